using ClipSurgeryWeb.Engine.Imaging;

namespace ClipSurgeryWeb.Engine.Hosting;

/// <summary>
/// How the engine runs: device, precision, where text features are cached on disk (null: memory only), image
/// limits, and how many images of one run go through the image encoder together.
/// </summary>
public sealed record EngineOptions(
    DevicePreference Device = default, // default: DevicePreference.Auto
    string? TextCacheDir = null,
    ImageLimits? Limits = null,
    Precision Precision = Precision.Auto,
    int ImageBatchSize = EngineOptions.DefaultImageBatchSize)
{
    /// <summary>Images per encoder call when a run has several at one resolution (bounded by free memory on CUDA).</summary>
    public const int DefaultImageBatchSize = 8;

    public ImageLimits ImageLimits => Limits ?? ImageLimits.Default;
}
