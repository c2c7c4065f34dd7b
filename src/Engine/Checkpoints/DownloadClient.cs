using System.Net;
using Microsoft.Extensions.Http.Resilience;
using Polly;

namespace ClipSurgeryWeb.Engine.Checkpoints;

/// <summary>
/// The HTTP handling of checkpoint and vocabulary downloads (multi-GB files), one definition for the command line, the
/// web app and the worker (which register it in their container: src/Hosting/Http/DownloadHttp.cs): transient failures
/// (connection errors, 408, 429, 5xx) are retried with exponential backoff and jitter, each attempt has until
/// <see cref="AttemptTimeout"/> to answer with headers, and nothing bounds the whole transfer (the body of a 2.5 GB SAM
/// checkpoint streams as long as it takes; cancelling stops it). Pooled connections are renewed every
/// <see cref="ConnectionLifetime"/> so a long-lived client follows DNS changes.
/// </summary>
public static class DownloadClient
{
    /// <summary>Retries after the first attempt.</summary>
    public const int MaxRetries = 4;

    /// <summary>First retry's wait; doubled each time (with jitter): about 1, 2, 4, 8 s. A Retry-After header is honoured.</summary>
    public static readonly TimeSpan FirstRetryDelay = TimeSpan.FromSeconds(1);

    /// <summary>How long one attempt may take to receive the response headers (the body is not bounded).</summary>
    public static readonly TimeSpan AttemptTimeout = TimeSpan.FromMinutes(2);

    public static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(30);

    public static readonly TimeSpan ConnectionLifetime = TimeSpan.FromMinutes(15);

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

    /// <summary>The client without a container (the command line, code constructed by hand, tests with a fake <paramref name="primary"/>).</summary>
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
