using ClipSurgeryWeb.Data;
using ClipSurgeryWeb.Tests.Fakes;
using ClipSurgeryWeb.Tests.Support;
using ClipSurgeryWeb.Web.Data;
using ClipSurgeryWeb.Web.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace ClipSurgeryWeb.Web.Tests.Integration;

/// <summary>The web app on a new, empty PostgreSQL (ClipSurgery:Database=PostgreSql) applies every migration of both contexts and serves logins.</summary>
public sealed class PostgresStartTests : IAsyncLifetime
{
    private ThrowawayPostgres? postgres;
    private readonly string root = Directory.CreateTempSubdirectory("csw-pg-").FullName;

    public async Task InitializeAsync() => postgres = await ThrowawayPostgres.StartAsync();

    public async Task DisposeAsync()
    {
        if (postgres is not null)
            await postgres.DisposeAsync();
        try { Directory.Delete(root, recursive: true); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }

    [Fact]
    public async Task The_web_app_on_a_fresh_PostgreSQL_applies_every_migration_of_both_contexts()
    {
        var appDatabase = await postgres!.CreateDatabaseAsync("app");
        var hangfire = await postgres.CreateDatabaseAsync("hangfire");
        await using var app = new ClipSurgeryAppFactory(root, new FakeClipEngine(), ClipSurgeryAppFactory.CreateFakeModels(root),
            new Dictionary<string, string?>
            {
                ["ClipSurgery:Database"] = "PostgreSql",
                ["ConnectionStrings:App"] = appDatabase,
                ["ConnectionStrings:Hangfire"] = hangfire,
            });

        using var admin = await AppClient.LoginAsync(app);

        await using var scope = app.Services.CreateAsyncScope();
        var accounts = scope.ServiceProvider.GetRequiredService<AccountsDb>();
        Assert.IsType<PostgresAccountsDb>(accounts);
        Assert.NotEmpty(accounts.Database.GetMigrations());
        Assert.Equal(accounts.Database.GetMigrations(), await accounts.Database.GetAppliedMigrationsAsync());
        var data = scope.ServiceProvider.GetRequiredService<ClipSurgeryDb>();
        Assert.True(data.Database.IsNpgsql());
        Assert.Equal(data.Database.GetMigrations(), await data.Database.GetAppliedMigrationsAsync());
    }
}
