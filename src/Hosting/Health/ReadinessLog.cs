using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ClipSurgeryWeb.Hosting.Health;

/// <summary>
/// For a host without HTTP (the worker): once started, runs the readiness checks and logs one line, "ready" or "not
/// ready" with each failing check's reason, so a supervisor or a test reading the log knows what /readyz would say.
/// </summary>
public sealed class ReadinessLog(HealthCheckService health, IHostApplicationLifetime lifetime, ILogger<ReadinessLog> log) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        lifetime.ApplicationStarted.Register(() => _ = LogAsync(lifetime.ApplicationStopping));
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private async Task LogAsync(CancellationToken ct)
    {
        try
        {
            var report = await health.CheckHealthAsync(r => r.Tags.Contains(HealthTags.Ready), ct);
            if (report.Status == HealthStatus.Healthy)
            {
                log.LogInformation("ready: {Checks}", string.Join(", ", report.Entries.Keys));
                return;
            }
            var failing = report.Entries.Where(e => e.Value.Status != HealthStatus.Healthy)
                .Select(e => $"{e.Key}: {e.Value.Description ?? e.Value.Exception?.Message}");
            log.LogWarning("not ready: {Reasons}", string.Join("; ", failing));
        }
        catch (OperationCanceledException)
        {
        }
    }
}
