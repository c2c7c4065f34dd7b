using ClipSurgeryWeb.Data.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace ClipSurgeryWeb.Data.Tests;

/// <summary>
/// A worker with ClipSurgery:MigrateDatabase=false never changes the shared schema: on a database that lacks migrations
/// it refuses to start, naming them and what to do; on an up-to-date one it starts.
/// </summary>
public sealed class WorkerStartTests : IDisposable
{
    private readonly TempFolder folder = new();

    public void Dispose() => folder.Dispose();

    [Fact]
    public async Task A_worker_that_may_not_migrate_refuses_a_database_lacking_migrations_and_names_them()
    {
        var connection = $"Data Source={folder.File("app.db")}";

        var refusal = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            StartUp.RunAsync(DatabaseProvider.Sqlite, connection, migrateDatabase: false));

        await using var db = DataServices.Create(DatabaseProvider.Sqlite, connection);
        var all = db.Database.GetMigrations().ToList();
        Assert.NotEmpty(all);
        Assert.All(all, m => Assert.Contains(m, refusal.Message));
        Assert.Contains("ClipSurgery:MigrateDatabase=true", refusal.Message);
        Assert.Empty(await db.Database.GetAppliedMigrationsAsync());
        Assert.False(await TableExistsAsync(db, "Runs"));
    }

    [Fact]
    public async Task A_worker_that_may_not_migrate_starts_on_an_up_to_date_database()
    {
        var connection = $"Data Source={folder.File("app.db")}";
        await StartUp.RunAsync(DatabaseProvider.Sqlite, connection);

        await StartUp.RunAsync(DatabaseProvider.Sqlite, connection, migrateDatabase: false);

        await using var db = DataServices.Create(DatabaseProvider.Sqlite, connection);
        Assert.Empty(await DatabaseMigrator.PendingAsync(db));
    }

    private static async Task<bool> TableExistsAsync(ClipSurgeryDb db, string table) =>
        await db.Database.SqlQueryRaw<int>("SELECT count(*) AS \"Value\" FROM sqlite_master WHERE type = 'table' AND name = {0}", table).SingleAsync() > 0;
}
