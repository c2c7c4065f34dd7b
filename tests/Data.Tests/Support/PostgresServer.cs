using ClipSurgeryWeb.Tests.Support;

namespace ClipSurgeryWeb.Data.Tests.Support;

/// <summary>One throwaway PostgreSQL for the test classes of <see cref="PostgresCollection"/>; each test takes a database of its own.</summary>
public sealed class PostgresServer : IAsyncLifetime
{
    private ThrowawayPostgres? server;

    public ThrowawayPostgres Server => server ?? throw new InvalidOperationException("the PostgreSQL server has not started");

    public async Task InitializeAsync() => server = await ThrowawayPostgres.StartAsync();

    public async Task DisposeAsync()
    {
        if (server is not null)
            await server.DisposeAsync();
    }
}
