using ClipSurgeryWeb.Engine.Checkpoints;
using ClipSurgeryWeb.Engine.Pipeline;

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

    /// <summary>How many images of a run one explain call takes (they are encoded together).</summary>
    int ImageBatchSize => 1;

    /// <summary>
    /// The engine's entries (explain, segment, opinions, runall) on these models, loaded on the first call that needs
    /// them. Each call takes its images and tells what it writes as events; nothing is kept from one call for the next.
    /// </summary>
    IClipPipeline Pipeline(EngineModels models);
}
