using ClipSurgeryWeb.Hosting.Database;
using ClipSurgeryWeb.Hosting.Options;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace ClipSurgeryWeb.Data.Tests.Support;

/// <summary>The app database's part of a host's start (web app or worker): <see cref="DatabaseInitializer"/> on the app's own wiring.</summary>
public static class StartUp
{
    public static async Task RunAsync(DatabaseProvider provider, string connectionString, bool migrateDatabase = true)
    {
        await using var services = new ServiceCollection()
            .AddLogging()
            .AddClipSurgeryDb(provider, connectionString)
            .BuildServiceProvider();
        var initializer = new DatabaseInitializer(services.GetRequiredService<IServiceScopeFactory>(),
            Options.Create(new ClipSurgeryOptions { MigrateDatabase = migrateDatabase }), NullLogger<DatabaseInitializer>.Instance);
        await initializer.StartAsync(CancellationToken.None);
        await initializer.StopAsync(CancellationToken.None);
    }
}
