using ClipSurgeryWeb.Data;
using ClipSurgeryWeb.Hosting.Options;
using Microsoft.Extensions.Options;

namespace ClipSurgeryWeb.Web.Data;

/// <summary>Brings the accounts tables to their latest migration at start (upgrading ones EnsureCreated made), before the admin is seeded.</summary>
public sealed class AccountsInitializer(IServiceScopeFactory scopes, IOptions<ClipSurgeryOptions> options) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!options.Value.MigrateDatabase)
            return;
        await using var scope = scopes.CreateAsyncScope();
        await DatabaseMigrator.MigrateAsync(scope.ServiceProvider.GetRequiredService<AccountsDb>(), AccountsDb.MarkerTable, cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
