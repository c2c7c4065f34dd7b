using ClipSurgeryWeb.Web.Auth;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace ClipSurgeryWeb.Web.Data;

/// <summary>
/// Team members' accounts (ASP.NET Core Identity) in the app database, beside the app's tables but in a context of their
/// own with its own migrations history (<see cref="HistoryTable"/>). Used through its provider's subclass
/// (<see cref="SqliteAccountsDb"/>, <see cref="PostgresAccountsDb"/>) so the provider's migrations apply.
/// </summary>
public abstract class AccountsDb(DbContextOptions options) : IdentityDbContext<TeamMember>(options)
{
    public const string HistoryTable = "__AccountsMigrationsHistory";

    /// <summary>Present without a history: the accounts tables were made by EnsureCreated before migrations.</summary>
    public const string MarkerTable = "AspNetUsers";
}
