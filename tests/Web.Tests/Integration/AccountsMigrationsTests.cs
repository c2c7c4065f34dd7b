using ClipSurgeryWeb.Web.Data;
using Microsoft.EntityFrameworkCore;

namespace ClipSurgeryWeb.Web.Tests.Integration;

/// <summary>
/// Fails when Identity's model (or <see cref="Auth.TeamMember"/>) changes without <c>dotnet ef migrations add</c> for
/// both providers (src/Data/README.md).
/// </summary>
public sealed class AccountsMigrationsTests
{
    [Fact]
    public void The_SQLite_accounts_model_has_no_change_missing_from_its_migrations()
    {
        using var db = new SqliteAccountsDb(new DbContextOptionsBuilder<SqliteAccountsDb>().UseSqlite("Data Source=:memory:").Options);
        Assert.NotEmpty(db.Database.GetMigrations());
        Assert.False(db.Database.HasPendingModelChanges(), "the SQLite accounts model has changes no migration makes");
    }

    [Fact]
    public void The_PostgreSQL_accounts_model_has_no_change_missing_from_its_migrations()
    {
        using var db = new PostgresAccountsDb(new DbContextOptionsBuilder<PostgresAccountsDb>().UseNpgsql("Host=127.0.0.1;Database=unused").Options);
        Assert.NotEmpty(db.Database.GetMigrations());
        Assert.False(db.Database.HasPendingModelChanges(), "the PostgreSQL accounts model has changes no migration makes");
    }
}
