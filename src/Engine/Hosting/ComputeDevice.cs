using TorchSharp;
using static TorchSharp.torch;

namespace ClipSurgeryWeb.Engine.Hosting;

/// <summary>
/// Picks the device. CUDA needs a CUDA libtorch (see GPU.md in the README): the restored package is CPU-only, so
/// on a plain machine <see cref="DevicePreference.Auto"/> means CPU and <see cref="DevicePreference.Cuda"/> is refused with a reason.
/// </summary>
public static class ComputeDevice
{
    public static Device Resolve(DevicePreference preference)
    {
        switch (preference)
        {
            case DevicePreference.Cpu:
                return torch.CPU;
            case DevicePreference.Cuda:
                if (!TryInitializeCuda(out var why))
                    throw new EngineInputException("device cuda", why);
                return torch.CUDA;
            default:
                return TryInitializeCuda(out _) ? torch.CUDA : torch.CPU;
        }
    }

    public static DevicePreference Parse(string value) => value.ToLowerInvariant() switch
    {
        "auto" => DevicePreference.Auto,
        "cpu" => DevicePreference.Cpu,
        "cuda" or "gpu" => DevicePreference.Cuda,
        _ => throw new EngineInputException("device", $"'{value}' is not one of auto, cpu, cuda"),
    };

    private static bool TryInitializeCuda(out string why)
    {
        try
        {
            torch.InitializeDeviceType(DeviceType.CUDA);
            if (torch.cuda.is_available())
            {
                why = "";
                return true;
            }
            why = "CUDA is not available (no GPU, or the loaded libtorch is the CPU build)";
        }
        catch (Exception e) when (e is NotSupportedException or InvalidOperationException or DllNotFoundException)
        {
            why = $"CUDA is not available ({e.Message.Split('\n')[0]})";
        }
        return false;
    }
}
