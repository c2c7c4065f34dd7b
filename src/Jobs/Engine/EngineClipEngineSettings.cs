using ClipSurgeryWeb.Engine.Hosting;

namespace ClipSurgeryWeb.Jobs.Engine;

/// <summary>Where <see cref="EngineClipEngine"/> finds models and the vocabulary, and where it computes.</summary>
public sealed record EngineClipEngineSettings(string ModelsDir, string VocabPath, DevicePreference Device = DevicePreference.Auto)
{
    /// <summary>Prompt-ensemble features on disk, per model checksum and label (shared by every worker of a machine).</summary>
    public string TextCacheDir => Path.Combine(ModelsDir, "text-cache");
}
