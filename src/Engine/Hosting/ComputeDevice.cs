using TorchSharp;
using static TorchSharp.torch;

namespace ClipSurgeryWeb.Engine.Hosting;

/// <summary>
/// Picks the device. CUDA needs a CUDA libtorch (the <c>-p:TorchBackend=cuda</c> build flavour with a libtorch found
/// by <see cref="LibTorchLocator"/>): the default build bundles the CPU libtorch, so on a plain machine
/// <see cref="DevicePreference.Auto"/> means CPU and <see cref="DevicePreference.Cuda"/> is refused with a reason.
/// </summary>
public static class ComputeDevice
{
    public static Device Resolve(DevicePreference preference) => Choose(preference).Device;

    /// <summary>
    /// The device for <paramref name="preference"/>, loading libtorch first (<see cref="LibTorchRuntime"/>).
    /// <c>cpu</c>: the CPU. <c>cuda:N</c>: GPU N, refused with the reason when CUDA is not usable or there is no GPU N.
    /// <c>auto</c>: the first GPU when CUDA is usable, else the CPU with the reason in <see cref="DeviceChoice.Fallback"/>.
    /// </summary>
    public static DeviceChoice Choose(DevicePreference preference)
    {
        LibTorchRuntime.EnsureLoaded();
        switch (preference.Kind)
        {
            case DeviceKind.Cpu:
                return new DeviceChoice(torch.CPU, preference, null);
            case DeviceKind.Cuda:
                return TryCuda(preference.Index, out var device, out var why)
                    ? new DeviceChoice(device, preference, null)
                    : throw new EngineInputException($"device {preference}", why);
            default:
                return TryCuda(0, out var gpu, out var reason)
                    ? new DeviceChoice(gpu, preference, null)
                    : new DeviceChoice(torch.CPU, preference, reason);
        }
    }

    public static DevicePreference Parse(string value) => DevicePreference.Parse(value);

    private static bool TryCuda(int index, out Device device, out string why)
    {
        device = torch.CPU;
        why = "";
        try
        {
            if (!torch.TryInitializeDeviceType(DeviceType.CUDA) || !torch.cuda.is_available())
            {
                why = $"CUDA is not available: {WhyNoCuda()}";
                return false;
            }
            var count = torch.cuda.device_count();
            if (index >= count)
            {
                why = count == 1
                    ? $"there is 1 GPU (cuda:0), no cuda:{index}"
                    : $"there are {count} GPUs (cuda:0 … cuda:{count - 1}), no cuda:{index}";
                return false;
            }
            device = new Device(DeviceType.CUDA, index);
            return true;
        }
        catch (Exception e) when (e is NotSupportedException or InvalidOperationException or DllNotFoundException or TypeInitializationException)
        {
            why = $"CUDA is not available ({(e.InnerException ?? e).Message.Split('\n')[0]})";
            return false;
        }
    }

    private static string WhyNoCuda()
    {
        var libtorch = LibTorchRuntime.Loaded;
        if (libtorch is { HasCuda: false })
            return $"the libtorch in use ({libtorch.OriginText}) is a CPU build";
        return CudaDriver.Describe(0, out var driver) is null
            ? $"libtorch has CUDA but no GPU answers ({driver})"
            : "libtorch has CUDA and the driver sees a GPU, but libtorch cannot use it (driver or CUDA version mismatch?)";
    }
}
