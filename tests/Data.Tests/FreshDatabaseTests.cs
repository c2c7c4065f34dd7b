using ClipSurgeryWeb.Data.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace ClipSurgeryWeb.Data.Tests;

/// <summary>A new installation's database gets every migration at start, on SQLite and on PostgreSQL.</summary>
public sealed class FreshSqliteDatabaseTests : IDisposable
{
    private readonly TempFolder folder = new();

    public void Dispose() => folder.Dispose();

    [Fact]
    public async Task A_fresh_SQLite_database_gets_every_migration_at_start()
    {
        var connection = $"Data Source={folder.File("app.db")}";

        await StartUp.RunAsync(DatabaseProvider.Sqlite, connection);

        await using var db = DataServices.Create(DatabaseProvider.Sqlite, connection);
        Assert.NotEmpty(db.Database.GetMigrations());
        Assert.Equal(db.Database.GetMigrations(), await db.Database.GetAppliedMigrationsAsync());
        Assert.Equal(0, await db.Runs.CountAsync());
    }
}
