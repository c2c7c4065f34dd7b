using Microsoft.EntityFrameworkCore;

namespace ClipSurgeryWeb.Web.Data;

/// <summary><see cref="AccountsDb"/> on SQLite; its migrations are in Data/Migrations/Sqlite.</summary>
public sealed class SqliteAccountsDb(DbContextOptions<SqliteAccountsDb> options) : AccountsDb(options);
