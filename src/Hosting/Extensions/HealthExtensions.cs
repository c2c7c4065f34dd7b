using ClipSurgeryWeb.Data;
using ClipSurgeryWeb.Hosting.Health;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace ClipSurgeryWeb.Hosting.Extensions;

public static class HealthExtensions
{
    /// <summary>Longest a readiness check may take before it counts as failed: a load balancer polls often.</summary>
    public static readonly TimeSpan CheckTimeout = TimeSpan.FromSeconds(5);

    /// <summary>
    /// The health checks of the web app and the worker (as eShop's ServiceDefaults): "self" (live: the process answers),
    /// and for readiness the app database (reachable, every migration applied), Hangfire's storage, the models folder
    /// and libtorch. A host adds its own with <see cref="HealthTags.Ready"/> (the web app: its accounts database).
    /// </summary>
    public static IHealthChecksBuilder AddClipSurgeryHealthChecks(this IHostApplicationBuilder builder) =>
        builder.Services.AddHealthChecks()
            .AddCheck("self", () => Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckResult.Healthy(), [HealthTags.Live])
            .AddCheck<DatabaseHealthCheck<ClipSurgeryDb>>("database", tags: [HealthTags.Ready], timeout: CheckTimeout)
            .AddCheck<JobStorageHealthCheck>("jobs", tags: [HealthTags.Ready], timeout: CheckTimeout)
            .AddCheck<ModelsFolderHealthCheck>("models", tags: [HealthTags.Ready], timeout: CheckTimeout)
            .AddCheck<EngineHealthCheck>("engine", tags: [HealthTags.Ready], timeout: CheckTimeout);

    /// <summary>For a host without HTTP (the worker): logs what /readyz would answer once it has started (<see cref="ReadinessLog"/>).</summary>
    public static IHostApplicationBuilder LogReadiness(this IHostApplicationBuilder builder)
    {
        builder.Services.AddHostedService<ReadinessLog>();
        return builder;
    }

    /// <summary>
    /// GET /healthz (live) and /readyz (ready), anonymous, answering 200 when healthy and 503 otherwise with the JSON of
    /// <see cref="HealthAnswer"/>.
    /// </summary>
    public static IEndpointRouteBuilder MapClipSurgeryHealthChecks(this IEndpointRouteBuilder endpoints)
    {
        // GET and HEAD only: they change nothing, so they need no anti-forgery token (AntiforgeryTests lists the others).
        endpoints.MapHealthChecks("/healthz", Options(HealthTags.Live)).AllowAnonymous().WithMetadata(ReadOnly);
        endpoints.MapHealthChecks("/readyz", Options(HealthTags.Ready)).AllowAnonymous().WithMetadata(ReadOnly);
        return endpoints;
    }

    private static readonly HttpMethodMetadata ReadOnly = new([HttpMethods.Get, HttpMethods.Head]);

    private static HealthCheckOptions Options(string tag) => new()
    {
        Predicate = r => r.Tags.Contains(tag),
        ResponseWriter = HealthAnswer.WriteAsync,
        ResultStatusCodes =
        {
            [Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Healthy] = StatusCodes.Status200OK,
            [Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Degraded] = StatusCodes.Status200OK,
            [Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Unhealthy] = StatusCodes.Status503ServiceUnavailable,
        },
    };
}
