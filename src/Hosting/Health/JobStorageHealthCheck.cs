using ClipSurgeryWeb.Hosting.Storage;
using Hangfire;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ClipSurgeryWeb.Hosting.Health;

/// <summary>
/// Ready when Hangfire's storage (SQLite in the data folder, or the shared PostgreSQL) answers one keyed read: without it
/// no run can be queued or picked up.
/// </summary>
public sealed class JobStorageHealthCheck(IServiceProvider services) : IHealthCheck
{
    private const string ProbeKey = "clipsurgery:health";

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var storage = services.GetService<JobStorage>();
            if (storage is null)
                return Task.FromResult(HealthCheckResult.Unhealthy("no job storage is configured in this host"));
            using var connection = storage.GetConnection();
            connection.GetAllEntriesFromHash(ProbeKey);
            return Task.FromResult(HealthCheckResult.Healthy());
        }
        catch (Exception e)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy($"the job storage cannot be reached: {ServerPaths.Hide(e.Message)}"));
        }
    }
}
