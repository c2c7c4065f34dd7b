using TorchSharp;
using static TorchSharp.torch;

namespace ClipSurgeryWeb.Engine.Hosting;

/// <summary>
/// The line the CLI, the web app and the worker print at start: device (and why <c>auto</c> fell back to the CPU),
/// GPU name and memory, libtorch version and where it came from, precision. For example
/// <c>engine: device cuda:0 (NVIDIA H200, 139.8 GiB) · libtorch 2.11.0+cu130, CUDA 13.0, from python3 (…/torch/lib) · precision fp16 (auto)</c>.
/// </summary>
public static class EngineStartup
{
    /// <summary>
    /// Loads libtorch (<paramref name="libTorchDir"/>: the <see cref="LibTorchLocator.Setting"/>, null for the usual
    /// search) and chooses the device. Refuses (<see cref="EngineInputException"/>) a device or a libtorch that cannot serve.
    /// </summary>
    public static EngineStartupReport Report(DevicePreference device, Precision precision, string? libTorchDir = null)
    {
        var libtorch = LibTorchRuntime.EnsureLoaded(libTorchDir);
        var choice = ComputeDevice.Choose(device);
        var resolved = Precisions.Resolve(precision, choice.Device);
        var line = $"engine: device {DeviceText(choice)} · {LibTorchText(libtorch)} · precision {Precisions.Name(resolved)}"
                   + (precision == Precision.Auto ? " (auto)" : "");
        return new EngineStartupReport(choice, resolved, libtorch, line);
    }

    private static string DeviceText(DeviceChoice choice)
    {
        if (choice.Device.type == DeviceType.CUDA)
        {
            var gpu = CudaDriver.Describe(Math.Max(0, choice.Device.index), out var why);
            return $"{choice.Name} ({gpu ?? $"GPU name unknown: {why}"})";
        }
        var threads = $"{torch.get_num_threads()} threads";
        return choice.Fallback is null
            ? $"cpu ({threads})"
            : $"cpu ({threads}; auto chose the CPU: {choice.Fallback})";
    }

    private static string LibTorchText(LibTorchLocation libtorch)
    {
        var version = libtorch.Version ?? $"{NuGetVersion(torch.__version__)} (NuGet libtorch of TorchSharp-cpu)";
        var build = libtorch.CudaVersion is not null ? $"CUDA {libtorch.CudaVersion}" : libtorch.HasCuda ? "CUDA" : "CPU build";
        return $"libtorch {version}, {build}, {libtorch.OriginText} ({libtorch.Folder})";
    }

    /// <summary>TorchSharp names its libtorch package 2.10.0.0; NuGet, and the README, say 2.10.0.</summary>
    private static string NuGetVersion(string version) => version.EndsWith(".0", StringComparison.Ordinal) && version.Count(c => c == '.') == 3
        ? version[..^2]
        : version;
}
