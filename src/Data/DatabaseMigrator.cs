using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.EntityFrameworkCore.Migrations;

namespace ClipSurgeryWeb.Data;

/// <summary>
/// Brings a context's database to its latest migration. A database made before migrations existed (by
/// <c>EnsureCreated</c>, up to the version that introduced them) has the first migration's tables but no history; it is
/// upgraded, not dropped: the first migration is recorded as applied (its tables are those <c>EnsureCreated</c> made from
/// the same model) and the later ones are applied on top.
/// </summary>
public static class DatabaseMigrator
{
    /// <param name="markerTable">A table the first migration creates: present without a history = made by EnsureCreated.</param>
    public static async Task MigrateAsync(DbContext db, string markerTable, CancellationToken ct = default)
    {
        var history = db.GetService<IHistoryRepository>();
        // The history table is looked up by name: Npgsql's IHistoryRepository.ExistsAsync answers true on a database that
        // has other tables but no history (seen with Npgsql 10.0.3; PostgresMigrationTests), which would re-create them.
        if (!await TableExistsAsync(db, HistoryTable(db), ct) && await TableExistsAsync(db, markerTable, ct))
        {
            var first = db.Database.GetMigrations().First();
            await db.Database.ExecuteSqlRawAsync(history.GetCreateIfNotExistsScript(), ct);
            await db.Database.ExecuteSqlRawAsync(history.GetInsertScript(new HistoryRow(first, ProductInfo.GetVersion())), ct);
        }
        await db.Database.MigrateAsync(ct);
    }

    /// <summary>The migrations the database lacks (empty when it is up to date).</summary>
    public static async Task<IReadOnlyList<string>> PendingAsync(DbContext db, CancellationToken ct = default) =>
        [.. await db.Database.GetPendingMigrationsAsync(ct)];

    /// <summary>The context's migrations history table (<c>MigrationsHistoryTable</c> in its options, else EF's default).</summary>
    private static string HistoryTable(DbContext db) =>
        db.GetService<IDbContextOptions>().Extensions.OfType<RelationalOptionsExtension>().FirstOrDefault()?.MigrationsHistoryTableName
        ?? HistoryRepository.DefaultTableName;

    private static async Task<bool> TableExistsAsync(DbContext db, string table, CancellationToken ct)
    {
        var sql = db.Database.IsSqlite()
            ? "SELECT count(*) AS \"Value\" FROM sqlite_master WHERE type = 'table' AND name = {0}"
            : "SELECT count(*)::int AS \"Value\" FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = {0}";
        return await db.Database.SqlQueryRaw<int>(sql, table).SingleAsync(ct) > 0;
    }
}
