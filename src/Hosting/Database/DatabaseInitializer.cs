using ClipSurgeryWeb.Data;
using ClipSurgeryWeb.Hosting.Options;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ClipSurgeryWeb.Hosting.Database;

/// <summary>
/// Brings the app database to its latest migration at start (<see cref="ClipSurgeryOptions.MigrateDatabase"/>; a
/// database made by EnsureCreated before migrations is upgraded, <see cref="DatabaseMigrator"/>), or, on a worker that
/// may not migrate, refuses to start on a database that lacks migrations. With SQLite it also turns on WAL so pages read
/// while a job writes. Registered first, so later start-up services find the tables.
/// </summary>
public sealed class DatabaseInitializer(IServiceScopeFactory scopes, IOptions<ClipSurgeryOptions> options, ILogger<DatabaseInitializer> log)
    : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ClipSurgeryDb>();
        if (db.Database.IsSqlite())
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
        if (options.Value.MigrateDatabase)
        {
            await DatabaseMigrator.MigrateAsync(db, DataServices.MarkerTable, cancellationToken);
            return;
        }
        var pending = await DatabaseMigrator.PendingAsync(db, cancellationToken);
        if (pending.Count > 0)
        {
            var message = $"the app database lacks {pending.Count} migration(s) ({string.Join(", ", pending)}): start the web app "
                          + $"first (it applies them), or set {ClipSurgeryOptions.Section}:{nameof(ClipSurgeryOptions.MigrateDatabase)}=true here";
            log.LogCritical("Not starting: {Reason}", message);
            throw new InvalidOperationException(message);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
