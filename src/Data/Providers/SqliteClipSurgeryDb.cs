using Microsoft.EntityFrameworkCore;

namespace ClipSurgeryWeb.Data.Providers;

/// <summary><see cref="ClipSurgeryDb"/> on SQLite; its migrations are in Migrations/Sqlite.</summary>
public sealed class SqliteClipSurgeryDb(DbContextOptions<SqliteClipSurgeryDb> options) : ClipSurgeryDb(options);
