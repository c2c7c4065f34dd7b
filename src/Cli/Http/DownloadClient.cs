using System.Net;
using Microsoft.Extensions.Http.Resilience;
using Polly;

namespace ClipSurgeryWeb.Cli.Http;

/// <summary>
/// The command line's HTTP client for checkpoint and vocabulary downloads: the handler the web app and the worker get
/// from src/Hosting/Http/DownloadHttp.cs (retries with exponential backoff on transient failures, two minutes per
/// attempt to receive headers, no bound on the whole multi-GB transfer; Ctrl+C stops it), built here without a DI
/// container. Change both together.
/// </summary>
public static class DownloadClient
{
    public static HttpClient Create()
    {
        var pipeline = new ResiliencePipelineBuilder<HttpResponseMessage>()
            .AddRetry(new HttpRetryStrategyOptions
            {
                MaxRetryAttempts = 4,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = TimeSpan.FromSeconds(1),
                ShouldRetryAfterHeader = true,
            })
            .AddTimeout(TimeSpan.FromMinutes(2))
            .Build();
        var sockets = new SocketsHttpHandler
        {
            ConnectTimeout = TimeSpan.FromSeconds(30),
            PooledConnectionLifetime = TimeSpan.FromMinutes(15),
            AutomaticDecompression = DecompressionMethods.None,
        };
        return new HttpClient(new ResilienceHandler(pipeline) { InnerHandler = sockets }) { Timeout = Timeout.InfiniteTimeSpan };
    }
}
