using Microsoft.EntityFrameworkCore;

namespace ClipSurgeryWeb.Data.Providers;

/// <summary><see cref="ClipSurgeryDb"/> on PostgreSQL; its migrations are in Migrations/PostgreSql.</summary>
public sealed class PostgresClipSurgeryDb(DbContextOptions<PostgresClipSurgeryDb> options) : ClipSurgeryDb(options);
