using Microsoft.EntityFrameworkCore;

namespace ClipSurgeryWeb.Web.Data;

/// <summary><see cref="AccountsDb"/> on PostgreSQL; its migrations are in Data/Migrations/PostgreSql.</summary>
public sealed class PostgresAccountsDb(DbContextOptions<PostgresAccountsDb> options) : AccountsDb(options);
