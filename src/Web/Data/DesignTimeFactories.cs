using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace ClipSurgeryWeb.Web.Data;

// `dotnet ef migrations add` builds the contexts through these (no host, no database needed to add a migration).

internal sealed class SqliteAccountsDesignTimeFactory : IDesignTimeDbContextFactory<SqliteAccountsDb>
{
    public SqliteAccountsDb CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqliteAccountsDb>()
            .UseSqlite("Data Source=design-time.db", x => x.MigrationsHistoryTable(AccountsDb.HistoryTable)).Options);
}

internal sealed class PostgresAccountsDesignTimeFactory : IDesignTimeDbContextFactory<PostgresAccountsDb>
{
    public PostgresAccountsDb CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgresAccountsDb>()
            .UseNpgsql("Host=localhost;Database=design_time", x => x.MigrationsHistoryTable(AccountsDb.HistoryTable)).Options);
}
