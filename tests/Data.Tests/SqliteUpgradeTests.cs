using ClipSurgeryWeb.Engine.Methods;
using ClipSurgeryWeb.Data.Tests.Support;
using ClipSurgeryWeb.Tests.Support;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace ClipSurgeryWeb.Data.Tests;

/// <summary>
/// An installation of the version before migrations (its app.db made by EnsureCreated, with members, runs and results)
/// is upgraded in place by the start-up path, never dropped or re-created.
/// </summary>
public sealed class SqliteUpgradeTests : IDisposable
{
    private readonly TempFolder folder = new();

    public void Dispose() => folder.Dispose();

    private string LegacyDatabase()
    {
        var file = folder.File("app.db");
        LegacyAppDatabase.Create(file);
        return $"Data Source={file}";
    }

    [Fact]
    public async Task A_database_made_by_EnsureCreated_before_migrations_is_upgraded_at_start_with_every_row_kept()
    {
        var connection = LegacyDatabase();

        await StartUp.RunAsync(DatabaseProvider.Sqlite, connection);

        await using var db = DataServices.Create(DatabaseProvider.Sqlite, connection);
        Assert.Equal(db.Database.GetMigrations(), await db.Database.GetAppliedMigrationsAsync());
        Assert.Empty(await DatabaseMigrator.PendingAsync(db));

        var image = Assert.Single(await db.Images.ToListAsync());
        Assert.Equal(LegacyAppDatabase.ImageId, image.Id);
        Assert.Equal(LegacyAppDatabase.ImageFileName, image.FileName);
        Assert.Equal((640, 480), (image.Width, image.Height));
        Assert.Equal(LegacyAppDatabase.CreatedAt, image.CreatedAt);
        Assert.Equal(DateTimeKind.Utc, image.CreatedAt.Kind);

        var runs = await db.Runs.Include(r => r.Images).ThenInclude(i => i.Files)
            .Include(r => r.Images).ThenInclude(i => i.Tokens)
            .ToListAsync();
        Assert.Equal(2, runs.Count);
        var shared = runs.Single(r => r.Id == LegacyAppDatabase.SharedRunId);
        Assert.Equal(JobRunKind.Batch, shared.Kind);
        Assert.True(shared.Shared);
        Assert.Equal(JobRunStatus.Succeeded, shared.Status);
        Assert.Equal(LegacyAppDatabase.UserId, shared.OwnerId);
        Assert.Equal([MapMethod.Surgery, MapMethod.Plain], shared.Settings.Modes);
        Assert.Equal(512, shared.Settings.Resolution);
        Assert.Equal("fp32", shared.Settings.Precision);
        var privateRun = runs.Single(r => r.Id == LegacyAppDatabase.PrivateRunId);
        Assert.Equal(JobRunKind.Opinions, privateRun.Kind);
        Assert.False(privateRun.Shared);
        Assert.Equal(JobRunStatus.CompletedWithErrors, privateRun.Status);
        Assert.Equal("one image failed", privateRun.Error);

        var runImage = Assert.Single(shared.Images);
        Assert.Equal(JobImageStatus.Done, runImage.Status);
        Assert.Equal(LegacyAppDatabase.ImageId, runImage.ImageId);
        Assert.Equal("a tabby cat", runImage.BestText);
        Assert.Equal(0.125f, runImage.Loss);
        var file = Assert.Single(runImage.Files);
        Assert.Equal((LegacyAppDatabase.ResultFileName, "heatmap", (MapMethod?)MapMethod.Surgery, "cat"), (file.FileName, file.Kind, file.Mode, file.Label));
        var token = Assert.Single(runImage.Tokens);
        Assert.Equal((LegacyAppDatabase.Token, 5), (token.Token, token.Frequency));
        var word = Assert.Single(await db.Words.ToListAsync());
        Assert.Equal((LegacyAppDatabase.Word, LegacyAppDatabase.JobImageId, LegacyAppDatabase.SharedRunId), (word.Word, word.JobImageId, word.RunId));

        // The accounts tables are the web app's (its own context and history); the app's migrations leave them alone.
        Assert.Equal(1, await CountAsync(connection, "AspNetUsers"));
        Assert.Equal(1, await CountAsync(connection, "AspNetUserRoles"));
    }

    [Fact]
    public async Task An_upgraded_database_takes_new_rows_where_the_old_ones_are()
    {
        var connection = LegacyDatabase();
        await StartUp.RunAsync(DatabaseProvider.Sqlite, connection);

        await using (var db = DataServices.Create(DatabaseProvider.Sqlite, connection))
        {
            var run = await db.Runs.Include(r => r.Images).SingleAsync(r => r.Id == LegacyAppDatabase.SharedRunId);
            db.Tokens.Add(new OpinionToken { JobImageId = run.Images[0].Id, Token = "mat", Frequency = 2 });
            await db.SaveChangesAsync();
        }

        await using var reread = DataServices.Create(DatabaseProvider.Sqlite, connection);
        Assert.Equal(["cat", "mat"], await reread.Tokens.OrderBy(t => t.Token).Select(t => t.Token).ToListAsync());
    }

    [Fact]
    public async Task A_second_start_on_an_upgraded_database_changes_nothing()
    {
        var connection = LegacyDatabase();
        await StartUp.RunAsync(DatabaseProvider.Sqlite, connection);
        var before = await SnapshotAsync(connection);

        await StartUp.RunAsync(DatabaseProvider.Sqlite, connection);

        Assert.Equal(before, await SnapshotAsync(connection));
    }

    [Fact]
    public async Task An_upgraded_database_has_the_tables_columns_and_indexes_of_a_fresh_one()
    {
        var upgraded = LegacyDatabase();
        var fresh = $"Data Source={folder.File("fresh.db")}";
        await StartUp.RunAsync(DatabaseProvider.Sqlite, upgraded);
        await StartUp.RunAsync(DatabaseProvider.Sqlite, fresh);

        await using var upgradedDb = DataServices.Create(DatabaseProvider.Sqlite, upgraded);
        await using var freshDb = DataServices.Create(DatabaseProvider.Sqlite, fresh);
        static bool AppTable(string table) => !table.StartsWith("AspNet", StringComparison.Ordinal) && table != "sqlite_sequence";
        var expected = await SchemaDump.OfAsync(freshDb, AppTable);
        Assert.Contains(expected, l => l.StartsWith("column Runs.Shared ", StringComparison.Ordinal));
        Assert.Equal(expected, await SchemaDump.OfAsync(upgradedDb, AppTable));
    }

    /// <summary>Everything a start could change: every object's SQL, the migrations history, and each table's row count.</summary>
    private static async Task<IReadOnlyList<string>> SnapshotAsync(string connectionString)
    {
        await using var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync();
        var lines = new List<string>();
        await using (var command = new SqliteCommand("SELECT type || ' ' || name || ': ' || coalesce(sql, '') FROM sqlite_master ORDER BY type, name", connection))
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
                lines.Add(reader.GetString(0));
        }
        await using (var command = new SqliteCommand("SELECT \"MigrationId\" || ' ' || \"ProductVersion\" FROM \"__EFMigrationsHistory\" ORDER BY 1", connection))
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
                lines.Add("history " + reader.GetString(0));
        }
        foreach (var table in new[] { "AspNetRoles", "AspNetUsers", "AspNetUserRoles", "Images", "Runs", "RunImages", "Files", "Tokens", "Words" })
            lines.Add($"rows {table} {await CountAsync(connectionString, table)}");
        return lines;
    }

    private static async Task<long> CountAsync(string connectionString, string table)
    {
        await using var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new SqliteCommand($"SELECT count(*) FROM \"{table}\"", connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
