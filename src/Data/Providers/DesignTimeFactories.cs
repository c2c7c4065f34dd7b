using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace ClipSurgeryWeb.Data.Providers;

// `dotnet ef migrations add` builds the contexts through these (no host, no database needed to add a migration).

internal sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<SqliteClipSurgeryDb>
{
    public SqliteClipSurgeryDb CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqliteClipSurgeryDb>().UseSqlite("Data Source=design-time.db").Options);
}

internal sealed class PostgresDesignTimeFactory : IDesignTimeDbContextFactory<PostgresClipSurgeryDb>
{
    public PostgresClipSurgeryDb CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgresClipSurgeryDb>().UseNpgsql("Host=localhost;Database=design_time").Options);
}
