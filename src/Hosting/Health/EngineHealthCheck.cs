using ClipSurgeryWeb.Engine.Hosting;
using ClipSurgeryWeb.Hosting.Options;
using ClipSurgeryWeb.Hosting.Storage;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using TorchSharp;

namespace ClipSurgeryWeb.Hosting.Health;

/// <summary>
/// Ready when libtorch is loaded (ClipSurgery:LibTorchDir, else the usual search; loaded once per process, so this is
/// cheap after the start-up line) and answers a native call. No model is loaded.
/// </summary>
public sealed class EngineHealthCheck(IOptions<ClipSurgeryOptions> options) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            LibTorchRuntime.EnsureLoaded(options.Value.LibTorchDir);
            return Task.FromResult(torch.get_num_threads() > 0
                ? HealthCheckResult.Healthy()
                : HealthCheckResult.Unhealthy("libtorch reports no compute threads"));
        }
        catch (EngineInputException e)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy(ServerPaths.Hide($"{e.Subject}: {e.Reason}")));
        }
        catch (Exception e) when (e is DllNotFoundException or TypeInitializationException or EntryPointNotFoundException)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy($"libtorch cannot be loaded: {ServerPaths.Hide(e.Message)}"));
        }
    }
}
