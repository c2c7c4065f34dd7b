namespace ClipSurgeryWeb.Jobs.Engine;

/// <summary>
/// The port the jobs call to do numeric work. Every method is synchronous on purpose: TorchSharp dispose scopes are
/// thread-static, so a call must not hop threads. Jobs call it from the Hangfire worker thread.
/// </summary>
public interface IClipEngine
{
    /// <summary>
    /// CLIP and SAM checkpoints found in the folder, from their headers: fast for multi-GB files, so it must not hash them
    /// (a null <see cref="InstalledModel.Sha256"/>; the models catalog computes checksums in the background).
    /// </summary>
    IReadOnlyList<InstalledModel> ListModels(string modelsDir);

    /// <summary>Validates one checkpoint completely, checksum included; throws <see cref="EngineInputException"/> with a clear reason if it is not one.</summary>
    InstalledModel Inspect(string checkpointPath);

    /// <summary>Downloads an official checkpoint into the folder, checking its SHA256.</summary>
    void Download(string officialName, string modelsDir, IProgress<DownloadProgress> progress, CancellationToken ct);

    /// <summary>RN50 … ViT-L/14@336px.</summary>
    IReadOnlyList<string> OfficialClipModels { get; }

    /// <summary>vit_b, vit_l, vit_h.</summary>
    IReadOnlyList<string> OfficialSamModels { get; }

    /// <summary>
    /// Explains one image into <paramref name="outputDir"/>: files "&lt;mode&gt;_&lt;label&gt;.png" (mode: cs | plain | single;
    /// combos a+b allowed as targets) and "maps.safetensors"; calls <paramref name="onFile"/> as each PNG is written.
    /// </summary>
    void Explain(ExplainSpec spec, string imagePath, string outputDir, Action<string> onFile, CancellationToken ct);

    /// <summary>
    /// <see cref="Explain(ExplainSpec, string, string, Action{string}, CancellationToken)"/> for one image of a run, told
    /// the run's images that come after it with the same spec (<paramref name="nextImages"/>, in order): an engine that
    /// encodes images in batches may encode some of them together with this one now, and write each when its own call
    /// comes. Only this image's files are written and announced. The default explains this image alone.
    /// </summary>
    void Explain(ExplainSpec spec, string imagePath, IReadOnlyList<string> nextImages, string outputDir, Action<string> onFile, CancellationToken ct) =>
        Explain(spec, imagePath, outputDir, onFile, ct);

    /// <summary>CLIP opinions (gradient ascent) for one image: writes tokens.csv (Token,Frequency) and words.txt.</summary>
    OpinionOutcome Opinions(OpinionSpec spec, string imagePath, string outputDir, Action<OpinionProgress> onProgress, CancellationToken ct);

    /// <summary>SAM masks for targets: writes mask_&lt;target&gt;.png, overlay_&lt;target&gt;.png, masks.safetensors.</summary>
    void Segment(SegmentSpec spec, string imagePath, string outputDir, Action<string> onFile, CancellationToken ct);
}
