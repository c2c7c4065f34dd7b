namespace ClipSurgeryWeb.Data;

/// <summary>Where the app's data lives: one machine (SQLite in the data folder) or several (a shared PostgreSQL).</summary>
public enum DatabaseProvider
{
    Sqlite,
    PostgreSql,
}
