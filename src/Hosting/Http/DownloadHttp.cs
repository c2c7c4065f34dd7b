using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http.Resilience;
using Polly;

namespace ClipSurgeryWeb.Hosting.Http;

/// <summary>
/// The HTTP client the web app and the worker download checkpoints and the vocabulary with (multi-GB files): transient
/// failures (connection errors, 408, 429, 5xx) are retried with exponential backoff and jitter, each attempt has until
/// <see cref="AttemptTimeout"/> to answer with headers, and nothing bounds the whole transfer (the body of a 2.5 GB SAM
/// checkpoint streams as long as it takes; cancelling the run stops it). Pooled connections are renewed every
/// <see cref="ConnectionLifetime"/> so a long-lived client follows DNS changes. The command line builds the same
/// handler in src/Cli/Http/DownloadClient.cs (it has no DI container).
/// </summary>
public static class DownloadHttp
{
    /// <summary>The named client of <see cref="AddDownloadHttp"/>.</summary>
    public const string ClientName = "downloads";

    /// <summary>Retries after the first attempt.</summary>
    public const int MaxRetries = 4;

    /// <summary>First retry's wait; doubled each time (with jitter): about 1, 2, 4, 8 s. A Retry-After header is honoured.</summary>
    public static readonly TimeSpan FirstRetryDelay = TimeSpan.FromSeconds(1);

    /// <summary>How long one attempt may take to receive the response headers (the body is not bounded).</summary>
    public static readonly TimeSpan AttemptTimeout = TimeSpan.FromMinutes(2);

    public static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(30);

    public static readonly TimeSpan ConnectionLifetime = TimeSpan.FromMinutes(15);

    /// <summary>
    /// Registers the <see cref="ClientName"/> client (IHttpClientFactory, with the resilience handler) and hands it out as
    /// <see cref="HttpClient"/> to what takes one in its constructor (the engine's downloads), so no service news one up.
    /// The app makes no other HTTP calls through the container; one that does should take a named client of its own.
    /// </summary>
    public static IHttpClientBuilder AddDownloadHttp(this IServiceCollection services)
    {
        var client = services.AddHttpClient(ClientName, c => c.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(PrimaryHandler);
        client.AddResilienceHandler(ClientName, Configure);
        // AddHttpClient registers a plain HttpClient (the unnamed client, no resilience); this one replaces it.
        services.Replace(ServiceDescriptor.Transient(sp => sp.GetRequiredService<IHttpClientFactory>().CreateClient(ClientName)));
        return client;
    }

    /// <summary>The retry and per-attempt timeout strategies, outermost first.</summary>
    public static void Configure(ResiliencePipelineBuilder<HttpResponseMessage> pipeline) =>
        pipeline
            .AddRetry(new HttpRetryStrategyOptions
            {
                MaxRetryAttempts = MaxRetries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = FirstRetryDelay,
                ShouldRetryAfterHeader = true,
            })
            .AddTimeout(AttemptTimeout);

    /// <summary>The socket handler under the resilience handler.</summary>
    public static SocketsHttpHandler PrimaryHandler() => new()
    {
        ConnectTimeout = ConnectTimeout,
        PooledConnectionLifetime = ConnectionLifetime,
        AutomaticDecompression = DecompressionMethods.None,
    };

    /// <summary>The same client without a container, for code constructed by hand (tests, tools).</summary>
    public static HttpClient Create(HttpMessageHandler? primary = null)
    {
        var pipeline = new ResiliencePipelineBuilder<HttpResponseMessage>();
        Configure(pipeline);
        return new HttpClient(new ResilienceHandler(pipeline.Build()) { InnerHandler = primary ?? PrimaryHandler() })
        {
            Timeout = Timeout.InfiniteTimeSpan,
        };
    }
}
