using Microsoft.EntityFrameworkCore;

namespace ClipSurgeryWeb.Data.Tests.Support;

/// <summary>
/// A database's tables, columns, indexes and foreign keys as sorted lines, so two databases (upgraded and fresh, or before
/// and after a second start) compare as text and a difference names the table and column.
/// </summary>
public static class SchemaDump
{
    public static async Task<IReadOnlyList<string>> OfAsync(ClipSurgeryDb db, Func<string, bool>? tables = null)
    {
        var keep = tables ?? (_ => true);
        var lines = db.Database.IsSqlite()
            ? await LinesAsync(db, """
                SELECT 'column ' || m.name || '.' || p.name || ' ' || p.type || ' notnull=' || p."notnull" || ' pk=' || p.pk
                       || ' default=' || coalesce(p.dflt_value, '-') AS "Value", m.name AS "Table"
                FROM sqlite_master m JOIN pragma_table_info(m.name) p WHERE m.type = 'table'
                UNION ALL
                SELECT 'index ' || m.name || '.' || il.name || ' unique=' || il."unique" || ' on ' || ii.seqno || ':' || ii.name, m.name
                FROM sqlite_master m JOIN pragma_index_list(m.name) il JOIN pragma_index_info(il.name) ii WHERE m.type = 'table'
                UNION ALL
                SELECT 'fk ' || m.name || '.' || f."from" || ' -> ' || f."table" || '.' || f."to" || ' on delete ' || f.on_delete, m.name
                FROM sqlite_master m JOIN pragma_foreign_key_list(m.name) f WHERE m.type = 'table'
                """)
            : await LinesAsync(db, """
                SELECT 'column ' || c.table_name || '.' || c.column_name || ' ' || c.data_type
                       || coalesce('(' || c.character_maximum_length || ')', '') || ' nullable=' || c.is_nullable
                       || ' default=' || coalesce(c.column_default, '-') AS "Value", c.table_name::text AS "Table"
                FROM information_schema.columns c WHERE c.table_schema = current_schema()
                UNION ALL
                SELECT 'index ' || i.tablename || ' ' || i.indexdef, i.tablename::text
                FROM pg_indexes i WHERE i.schemaname = current_schema()
                UNION ALL
                SELECT 'constraint ' || t.relname || ' ' || pg_get_constraintdef(k.oid), t.relname::text
                FROM pg_constraint k JOIN pg_class t ON t.oid = k.conrelid JOIN pg_namespace n ON n.oid = t.relnamespace
                WHERE n.nspname = current_schema()
                """);
        return [.. lines.Where(l => keep(l.Table)).Select(l => l.Value).Order(StringComparer.Ordinal)];
    }

    private static async Task<List<Line>> LinesAsync(ClipSurgeryDb db, string sql) =>
        await db.Database.SqlQueryRaw<Line>(sql).ToListAsync();

    private sealed class Line
    {
        public string Value { get; set; } = "";

        public string Table { get; set; } = "";
    }
}
