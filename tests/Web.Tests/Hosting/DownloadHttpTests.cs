using System.Net;
using System.Security.Cryptography;
using ClipSurgeryWeb.Engine.Checkpoints;
using ClipSurgeryWeb.Hosting.Http;
using Microsoft.Extensions.DependencyInjection;

namespace ClipSurgeryWeb.Web.Tests.Hosting;

/// <summary>
/// The download client of the web app and the worker (IHttpClientFactory with the resilience handler): a transient
/// failure is retried and the download then completes and verifies; a permanent one is not retried.
/// </summary>
public sealed class DownloadHttpTests : IDisposable
{
    private static readonly byte[] Payload = RandomNumberGenerator.GetBytes(300_000);
    private static readonly string PayloadSha = Convert.ToHexStringLower(SHA256.HashData(Payload));
    private readonly DirectoryInfo models = Directory.CreateTempSubdirectory("csw-downloads-");

    public void Dispose() => models.Delete(recursive: true);

    private static OfficialModel Model() => new("Tiny", new Uri("https://models.invalid/clip/Tiny.pt"), PayloadSha, 224, "clip");

    [Fact]
    public async Task A_download_through_the_factory_client_retries_a_transient_503_then_succeeds()
    {
        var server = new FlakyServer([HttpStatusCode.ServiceUnavailable], Payload);
        await using var services = Services(server);
        var http = services.GetRequiredService<HttpClient>();

        var path = await new ModelDownloader(http).DownloadAsync(Model(), models.FullName, null, default);

        Assert.Equal(2, server.Requests);
        Assert.Equal(Payload, await File.ReadAllBytesAsync(path));
    }

    [Fact]
    public async Task The_client_without_a_container_retries_the_same_way()
    {
        var server = new FlakyServer([HttpStatusCode.BadGateway, HttpStatusCode.ServiceUnavailable], Payload);
        using var http = DownloadClient.Create(server);

        var path = await new ModelDownloader(http).DownloadAsync(Model(), models.FullName, null, default);

        Assert.Equal(3, server.Requests);
        Assert.Equal(Payload, await File.ReadAllBytesAsync(path));
    }

    [Fact]
    public async Task A_404_is_not_retried_and_names_the_status()
    {
        var server = new FlakyServer([HttpStatusCode.NotFound, HttpStatusCode.NotFound], Payload);
        await using var services = Services(server);
        var http = services.GetRequiredService<IHttpClientFactory>().CreateClient(DownloadHttp.ClientName);

        var e = await Assert.ThrowsAsync<EngineInputException>(() => new ModelDownloader(http).DownloadAsync(Model(), models.FullName, null, default));

        Assert.Equal(1, server.Requests);
        Assert.Contains("404", e.Reason);
        Assert.Empty(models.GetFiles());
    }

    private static ServiceProvider Services(HttpMessageHandler primary)
    {
        var services = new ServiceCollection();
        services.AddDownloadHttp().ConfigurePrimaryHttpMessageHandler(() => primary);
        return services.BuildServiceProvider();
    }

    /// <summary>Answers the given failures first, then the payload; counts the requests.</summary>
    private sealed class FlakyServer(IReadOnlyList<HttpStatusCode> failures, byte[] payload) : HttpMessageHandler
    {
        private int requests;

        public int Requests => requests;

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var n = Interlocked.Increment(ref requests);
            return Task.FromResult(n <= failures.Count
                ? new HttpResponseMessage(failures[n - 1]) { Content = new StringContent("try later") }
                : new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(payload) });
        }
    }
}
