using System.Net.Http.Json;
using ClipSurgeryWeb.Data;
using ClipSurgeryWeb.Tests.Fakes;
using ClipSurgeryWeb.Tests.Support;
using ClipSurgeryWeb.Web.Auth;
using ClipSurgeryWeb.Web.Data;
using ClipSurgeryWeb.Web.Services;
using ClipSurgeryWeb.Web.Tests.Support;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace ClipSurgeryWeb.Web.Tests.Integration;

/// <summary>
/// An installation of the version before migrations (one app.db, made by EnsureCreated, holding accounts and runs) is
/// upgraded when the current web app starts on its data folder: both contexts' migrations are recorded, the old admin
/// logs in with the old password and sees the old runs, and a restart changes nothing.
/// </summary>
public sealed class AccountsUpgradeTests : IDisposable
{
    private const string OldPassword = "Old-admin-pass-1";
    private readonly string root = Directory.CreateTempSubdirectory("csw-upgrade-").FullName;

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(root, recursive: true); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }

    [Fact]
    public async Task An_installation_made_before_migrations_keeps_its_members_and_runs_when_the_web_app_upgrades_it()
    {
        var data = Directory.CreateDirectory(Path.Combine(root, "data")).FullName;
        LegacyAppDatabase.Create(Path.Combine(data, "app.db"), new PasswordHasher<TeamMember>().HashPassword(null!, OldPassword));
        var models = ClipSurgeryAppFactory.CreateFakeModels(root);

        IReadOnlyList<Guid> runsBefore;
        await using (var app = new ClipSurgeryAppFactory(root, new FakeClipEngine(), models))
        {
            using var old = await AppClient.LoginAsync(app, LegacyAppDatabase.UserEmail, OldPassword);
            var runs = await old.Http.GetFromJsonAsync<List<RunView>>("/api/runs", AppClient.Json);
            runsBefore = [.. runs!.Select(r => r.Id).Order()];
            Assert.Equal(new[] { LegacyAppDatabase.SharedRunId, LegacyAppDatabase.PrivateRunId }.Order(), runsBefore);
            var batch = runs!.Single(r => r.Id == LegacyAppDatabase.SharedRunId);
            Assert.Equal(LegacyAppDatabase.ImageFileName, Assert.Single(batch.Images).FileName);

            await using var scope = app.Services.CreateAsyncScope();
            var accounts = scope.ServiceProvider.GetRequiredService<AccountsDb>();
            Assert.Equal(accounts.Database.GetMigrations(), await accounts.Database.GetAppliedMigrationsAsync());
            var appDb = scope.ServiceProvider.GetRequiredService<ClipSurgeryDb>();
            Assert.Equal(appDb.Database.GetMigrations(), await appDb.Database.GetAppliedMigrationsAsync());
            var users = scope.ServiceProvider.GetRequiredService<UserManager<TeamMember>>();
            var oldAdmin = await users.FindByEmailAsync(LegacyAppDatabase.UserEmail);
            Assert.NotNull(oldAdmin);
            Assert.True(await users.IsInRoleAsync(oldAdmin, Roles.Admin));
            Assert.Equal(LegacyAppDatabase.CreatedAt, oldAdmin.CreatedAt);
        }

        // A second start on the upgraded folder: nothing re-applied, nothing lost.
        await using (var restarted = new ClipSurgeryAppFactory(root, new FakeClipEngine(), models))
        {
            using var old = await AppClient.LoginAsync(restarted, LegacyAppDatabase.UserEmail, OldPassword);
            var runs = await old.Http.GetFromJsonAsync<List<RunView>>("/api/runs", AppClient.Json);
            Assert.Equal(runsBefore, runs!.Select(r => r.Id).Order());
            await using var scope = restarted.Services.CreateAsyncScope();
            var accounts = scope.ServiceProvider.GetRequiredService<AccountsDb>();
            Assert.Equal(accounts.Database.GetMigrations(), await accounts.Database.GetAppliedMigrationsAsync());
            Assert.Equal(2, await accounts.Users.CountAsync()); // the old admin and the configured one, seeded once
        }
    }
}
