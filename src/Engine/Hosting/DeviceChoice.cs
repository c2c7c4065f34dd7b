using TorchSharp;
using static TorchSharp.torch;

namespace ClipSurgeryWeb.Engine.Hosting;

/// <summary>The device <see cref="ComputeDevice.Choose"/> settled on for a preference, and why <c>auto</c> fell back to the CPU (null when it did not).</summary>
public sealed record DeviceChoice(Device Device, DevicePreference Asked, string? Fallback)
{
    /// <summary><c>cpu</c> or <c>cuda:N</c>.</summary>
    public string Name => Device.type == DeviceType.CUDA ? $"cuda:{Math.Max(0, Device.index)}" : "cpu";
}
