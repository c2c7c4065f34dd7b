using ClipSurgeryWeb.Hosting.Options;
using ClipSurgeryWeb.Hosting.Storage;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ClipSurgeryWeb.Hosting.Health;

/// <summary>
/// Ready when the models folder exists and can be listed (an empty one is ready: models can be added later). Its path
/// stays out of the answer, which anyone may read; the setting is named instead.
/// </summary>
public sealed class ModelsFolderHealthCheck(FileStore files) : IHealthCheck
{
    private const string Setting = $"{ClipSurgeryOptions.Section}:{nameof(ClipSurgeryOptions.ModelsDir)}";

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (!Directory.Exists(files.ModelsDir))
            return Task.FromResult(HealthCheckResult.Unhealthy($"the models folder ({Setting}) does not exist"));
        try
        {
            using var entries = Directory.EnumerateFileSystemEntries(files.ModelsDir).GetEnumerator();
            entries.MoveNext();
            return Task.FromResult(HealthCheckResult.Healthy());
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy($"the models folder ({Setting}) cannot be read: {ServerPaths.Hide(e.Message)}"));
        }
    }
}
