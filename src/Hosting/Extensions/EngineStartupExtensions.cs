using ClipSurgeryWeb.Engine;
using ClipSurgeryWeb.Engine.Hosting;
using ClipSurgeryWeb.Hosting.Options;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ClipSurgeryWeb.Hosting.Extensions;

public static class EngineStartupExtensions
{
    /// <summary>
    /// Loads libtorch (ClipSurgery:LibTorchDir, else the usual search), chooses the device (ClipSurgery:Device) and logs
    /// the engine's one start-up line: device, GPU name and memory, libtorch version and origin, precision
    /// (ClipSurgery:Precision, auto by default). A device or libtorch that cannot serve is logged as critical and the
    /// answer is false, so the host stops: a worker asked for cuda:1 must not quietly take jobs it cannot run.
    /// </summary>
    public static bool LogEngineStartup(this IHost host)
    {
        var configuration = host.Services.GetRequiredService<IConfiguration>();
        var options = configuration.GetSection(ClipSurgeryOptions.Section).Get<ClipSurgeryOptions>() ?? new ClipSurgeryOptions();
        var logger = host.Services.GetRequiredService<ILoggerFactory>().CreateLogger("ClipSurgeryWeb.Engine");
        try
        {
            var precision = Precisions.Parse(options.Precision);
            var report = EngineStartup.Report(DevicePreference.Parse(options.Device), precision, options.LibTorchDir);
            logger.LogInformation("{StartupLine}", report.Line);
        }
        catch (EngineInputException e)
        {
            logger.LogCritical("engine refused to start: {Subject}: {Reason}", e.Subject, e.Reason);
            return false;
        }
        return true;
    }
}
