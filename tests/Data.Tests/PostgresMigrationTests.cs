using ClipSurgeryWeb.Engine.Methods;
using ClipSurgeryWeb.Data.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace ClipSurgeryWeb.Data.Tests;

/// <summary>
/// The several-machines database: a fresh PostgreSQL gets every migration, and one the version before migrations made
/// with EnsureCreated (Fixtures/app-db-b59bbf1.postgres.sql) is upgraded in place with its rows kept.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresMigrationTests(PostgresServer postgres)
{
    private static readonly Guid RunId = Guid.Parse("0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d");

    [Fact]
    public async Task A_fresh_PostgreSQL_database_gets_every_migration_at_start()
    {
        var connection = await postgres.Server.CreateDatabaseAsync("fresh");

        await StartUp.RunAsync(DatabaseProvider.PostgreSql, connection);

        await using var db = DataServices.Create(DatabaseProvider.PostgreSql, connection);
        Assert.NotEmpty(db.Database.GetMigrations());
        Assert.Equal(db.Database.GetMigrations(), await db.Database.GetAppliedMigrationsAsync());
        Assert.Equal(0, await db.Runs.CountAsync());
    }

    [Fact]
    public async Task A_PostgreSQL_database_made_by_EnsureCreated_before_migrations_is_upgraded_with_its_rows_kept()
    {
        var connection = await LegacyDatabaseAsync();

        await StartUp.RunAsync(DatabaseProvider.PostgreSql, connection);
        await using var db = DataServices.Create(DatabaseProvider.PostgreSql, connection);
        Assert.Equal(db.Database.GetMigrations(), await db.Database.GetAppliedMigrationsAsync());
        var run = await db.Runs.Include(r => r.Images).ThenInclude(i => i.Files).SingleAsync();
        Assert.Equal((RunId, JobRunKind.Batch, JobRunStatus.Succeeded, "member-1"), (run.Id, run.Kind, run.Status, run.OwnerId));
        Assert.Equal([MapMethod.Surgery], run.Settings.Modes);
        Assert.Equal("cs_cat.png", Assert.Single(Assert.Single(run.Images).Files).FileName);
        Assert.Equal("tabby", (await db.Words.SingleAsync()).Word);
        Assert.Equal(1L, await ScalarAsync(connection, """SELECT count(*) FROM "AspNetUsers" """));

        var afterFirst = await SchemaDump.OfAsync(db);
        await StartUp.RunAsync(DatabaseProvider.PostgreSql, connection);
        Assert.Equal(afterFirst, await SchemaDump.OfAsync(db));
        Assert.Equal(1L, await ScalarAsync(connection, """SELECT count(*) FROM "Runs" """));
    }

    [Fact]
    public async Task An_upgraded_PostgreSQL_database_has_the_tables_columns_and_indexes_of_a_fresh_one()
    {
        var upgraded = await LegacyDatabaseAsync();
        var fresh = await postgres.Server.CreateDatabaseAsync("fresh");
        await StartUp.RunAsync(DatabaseProvider.PostgreSql, upgraded);
        await StartUp.RunAsync(DatabaseProvider.PostgreSql, fresh);

        await using var upgradedDb = DataServices.Create(DatabaseProvider.PostgreSql, upgraded);
        await using var freshDb = DataServices.Create(DatabaseProvider.PostgreSql, fresh);
        static bool AppTable(string table) => !table.StartsWith("AspNet", StringComparison.Ordinal);
        var expected = await SchemaDump.OfAsync(freshDb, AppTable);
        Assert.Contains(expected, l => l.StartsWith("column Runs.Shared boolean", StringComparison.Ordinal));
        Assert.Equal(expected, await SchemaDump.OfAsync(upgradedDb, AppTable));
    }

    /// <summary>A database as the version before migrations left it on PostgreSQL, with a member and a finished batch.</summary>
    private async Task<string> LegacyDatabaseAsync()
    {
        var connection = await postgres.Server.CreateDatabaseAsync("legacy");
        var schema = await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "Fixtures", "app-db-b59bbf1.postgres.sql"));
        await ExecuteAsync(connection, schema);
        await ExecuteAsync(connection, $"""
            INSERT INTO "AspNetUsers" ("Id", "CreatedAt", "UserName", "NormalizedUserName", "Email", "NormalizedEmail", "EmailConfirmed",
                "PhoneNumberConfirmed", "TwoFactorEnabled", "LockoutEnabled", "AccessFailedCount")
            VALUES ('member-1', now(), 'm@example.com', 'M@EXAMPLE.COM', 'm@example.com', 'M@EXAMPLE.COM', true, false, false, true, 0);
            INSERT INTO "Images" ("Id", "OwnerId", "OwnerName", "FileName", "Extension", "ContentType", "SizeBytes", "Width", "Height", "CreatedAt")
            VALUES ('5d0c3a51-8c1e-4d5e-9a77-1f0e2b3c4d5e', 'member-1', 'm@example.com', 'cat.png', '.png', 'image/png', 100, 8, 8, now());
            INSERT INTO "Runs" ("Id", "Kind", "Status", "OwnerId", "OwnerName", "Shared", "SettingsJson", "CancelRequested", "CreatedAt")
            VALUES ('{RunId}', 'Batch', 'Succeeded', 'member-1', 'm@example.com', true, '{"{\"Modes\":[\"cs\"]}"}', false, now());
            INSERT INTO "RunImages" ("Id", "RunId", "ImageId", "Order", "Status", "Progress")
            VALUES ('11111111-2222-4333-8444-555555555555', '{RunId}', '5d0c3a51-8c1e-4d5e-9a77-1f0e2b3c4d5e', 0, 'Done', 1);
            INSERT INTO "Files" ("Id", "RunId", "JobImageId", "FileName", "Kind", "Mode", "SizeBytes", "CreatedAt")
            VALUES ('66666666-7777-4888-9999-aaaaaaaaaaaa', '{RunId}', '11111111-2222-4333-8444-555555555555', 'cs_cat.png', 'heatmap', 'cs', 10, now());
            INSERT INTO "Tokens" ("JobImageId", "Token", "Frequency") VALUES ('11111111-2222-4333-8444-555555555555', 'cat', 3);
            INSERT INTO "Words" ("RunId", "JobImageId", "ImageId", "Word", "Length", "ModelName", "OwnerId", "OwnerName", "FoundAt")
            VALUES ('{RunId}', '11111111-2222-4333-8444-555555555555', '5d0c3a51-8c1e-4d5e-9a77-1f0e2b3c4d5e', 'tabby', 5, 'ViT-B-16', 'member-1', 'm@example.com', now());
            """);
        return connection;
    }

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<object?> ScalarAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync();
    }
}
