using ClipSurgeryWeb.Engine.Hosting;
using ClipSurgeryWeb.Engine.Imaging;

namespace ClipSurgeryWeb.Jobs.Engine;

/// <summary>
/// Where <see cref="EngineClipEngine"/> finds models and the vocabulary, where it computes, and the images it agrees to
/// decode (the same limit the uploads were checked against; the default when none is given). <paramref name="Precision"/>
/// is the server's default (<c>ClipSurgery:Precision</c>) for runs that ask for auto.
/// </summary>
/// <param name="ImageBatchSize">Images of a run encoded together (1…256; on CUDA also bounded by free memory).</param>
public sealed record EngineClipEngineSettings(string ModelsDir, string VocabPath, DevicePreference Device = default,
    ImageLimits? ImageLimits = null, int ImageBatchSize = EngineOptions.DefaultImageBatchSize,
    Precision Precision = Precision.Auto)
{
    /// <summary>Prompt-ensemble features on disk, per model checksum and label (shared by every worker of a machine).</summary>
    public string TextCacheDir => Path.Combine(ModelsDir, "text-cache");
}
