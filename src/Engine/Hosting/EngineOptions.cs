using ClipSurgeryWeb.Engine.Imaging;

namespace ClipSurgeryWeb.Engine.Hosting;

/// <summary>How the engine runs: device, where text features are cached on disk (null: memory only), image limits.</summary>
public sealed record EngineOptions(
    DevicePreference Device = DevicePreference.Auto,
    string? TextCacheDir = null,
    ImageLimits? Limits = null)
{
    public ImageLimits ImageLimits => Limits ?? ImageLimits.Default;
}
