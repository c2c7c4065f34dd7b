using ClipSurgeryWeb.Engine.Checkpoints;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace ClipSurgeryWeb.Hosting.Http;

/// <summary>
/// The HTTP client the web app and the worker download checkpoints and the vocabulary with: the engine's
/// <see cref="DownloadClient"/> (retries, per-attempt timeout, unbounded transfer) registered with IHttpClientFactory.
/// </summary>
public static class DownloadHttp
{
    /// <summary>The named client of <see cref="AddDownloadHttp"/>.</summary>
    public const string ClientName = "downloads";

    /// <summary>
    /// Registers the <see cref="ClientName"/> client (IHttpClientFactory, with the resilience handler) and hands it out as
    /// <see cref="HttpClient"/> to what takes one in its constructor (the engine's downloads), so no service news one up.
    /// The app makes no other HTTP calls through the container; one that does should take a named client of its own.
    /// </summary>
    public static IHttpClientBuilder AddDownloadHttp(this IServiceCollection services)
    {
        var client = services.AddHttpClient(ClientName, c => c.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(DownloadClient.PrimaryHandler);
        client.AddResilienceHandler(ClientName, DownloadClient.Configure);
        // AddHttpClient registers a plain HttpClient (the unnamed client, no resilience); this one replaces it.
        services.Replace(ServiceDescriptor.Transient(sp => sp.GetRequiredService<IHttpClientFactory>().CreateClient(ClientName)));
        return client;
    }
}
