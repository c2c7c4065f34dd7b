using System.Collections.Concurrent;
using ClipSurgeryWeb.Engine.Checkpoints;
using ClipSurgeryWeb.Engine.Explaining;
using ClipSurgeryWeb.Engine.Hosting;
using ClipSurgeryWeb.Engine.Imaging;
using ClipSurgeryWeb.Engine.Pipeline;
using ClipSurgeryWeb.Engine.Segmentation;
using ClipSurgeryWeb.Engine.Tokenization;
using ClipSurgeryWeb.Hosting.Http;
using Microsoft.Extensions.Logging;

namespace ClipSurgeryWeb.Jobs.Engine;

/// <summary>
/// <see cref="IClipEngine"/> on the real engine. One CLIP model (per checkpoint and precision: a run in fp16 after one
/// in fp32 loads it again) and one SAM model (always fp32) stay loaded between calls (the "gpu" queue has one worker,
/// so consecutive images of a run reuse them); numeric calls are serialised, as the device holds one model at a time. No result is kept between calls: each call's request holds all it needs. Checkpoint inspection is cached per (path, size, modification time).
/// </summary>
public sealed class EngineClipEngine(EngineClipEngineSettings settings, ILogger<EngineClipEngine>? logger = null, HttpClient? downloads = null)
    : IClipEngine, IDisposable
{
    /// <summary>Downloads (checkpoints, the vocabulary): the host's resilient client (<see cref="DownloadHttp"/>), or one like it.</summary>
    private readonly HttpClient http = downloads ?? DownloadClient.Create();

    private readonly Lock gate = new();
    private readonly ILogger<EngineClipEngine>? log = logger;
    private readonly ConcurrentDictionary<(string Path, long Length, DateTime Modified), InstalledModel> inspected = new();
    private ClipTokenizer? tokenizer;
    private ClipExplainer? explainer;
    private (string Path, DateTime Modified, SamModel Model)? sam;

    public IReadOnlyList<string> OfficialClipModels { get; } = ModelCatalog.Clip.Select(m => m.Name).ToArray();

    public IReadOnlyList<string> OfficialSamModels { get; } = ModelCatalog.Sam.Select(m => m.Name).ToArray();

    public IReadOnlyList<InstalledModel> ListModels(string modelsDir)
    {
        if (!Directory.Exists(modelsDir))
            return [];
        var models = new List<InstalledModel>();
        // Checkpoint files, and folders holding one (Hugging Face / OpenCLIP); hidden ones (".incoming") are work in progress.
        var entries = Directory.EnumerateFiles(modelsDir)
            .Where(f => CheckpointFile.Extensions.Contains(Path.GetExtension(f), StringComparer.OrdinalIgnoreCase))
            .Concat(Directory.EnumerateDirectories(modelsDir).Where(d => !Path.GetFileName(d).StartsWith('.')))
            .Order(StringComparer.Ordinal);
        foreach (var file in entries)
        {
            try
            {
                var info = new FileInfo(ClipCheckpoint.WeightsFile(file));
                models.Add(inspected.GetOrAdd((Path.GetFullPath(file), info.Length, info.LastWriteTimeUtc), _ => Examine(file, checksum: false)));
            }
            catch (Exception e) when (e is not (OutOfMemoryException or OperationCanceledException))
            {
                // Not a checkpoint (a partial download, a stray file, one this process may not read): not listed, so
                // one bad file never breaks the listing of the others.
                log?.LogWarning("Not listed as a model: {File}: {Reason}", file, e is EngineInputException input ? input.Reason : e.Message);
            }
        }
        return models;
    }

    /// <summary>
    /// Validates a checkpoint completely (an uploaded fine-tune): its tensors are loaded into the model its sizes
    /// describe, so a file that would fail later is refused now with the reason.
    /// </summary>
    public InstalledModel Inspect(string checkpointPath)
    {
        var full = Path.GetFullPath(checkpointPath);
        if (!File.Exists(full) && !Directory.Exists(full))
            throw new EngineInputException(Path.GetFileName(full), "file not found");
        var model = Examine(full, checksum: true);
        if (model.Kind == "clip")
        {
            using var sd = StateDict.Load(full);
            ClipSurgeryWeb.Engine.Models.ClipModel.FromStateDict(sd).Dispose();
        }
        else
        {
            try
            {
                SamModel.Load(ClipCheckpoint.WeightsFile(full), TorchSharp.torch.CPU).Dispose();
            }
            catch (InvalidDataException e)
            {
                throw new EngineInputException(Path.GetFileName(full), e.Message, e);
            }
        }
        return model;
    }

    public void Download(string officialName, string modelsDir, IProgress<DownloadProgress> progress, CancellationToken ct)
    {
        var official = ModelCatalog.FindClip(officialName) ?? ModelCatalog.FindSam(officialName)
            ?? throw new EngineInputException(officialName, $"not an official model ({string.Join(", ", OfficialClipModels.Concat(OfficialSamModels))})");
        new ModelDownloader(http).DownloadAsync(official, modelsDir, progress, ct).GetAwaiter().GetResult();
    }

    public int ImageBatchSize => settings.ImageBatchSize;

    public IClipPipeline Pipeline(EngineModels models) => new LoadedPipeline(this, models);

    /// <summary>
    /// The engine's <see cref="ClipPipeline"/> on <paramref name="models"/>, loaded (or reused) for one call under the lock:
    /// the device holds one model at a time, and numeric calls are serialised.
    /// </summary>
    private void With(EngineModels models, CancellationToken ct, Action<ClipPipeline> call)
    {
        lock (gate)
        {
            var clip = Clip(models.ClipModelPath, models.Precision, ct);
            var samModel = models.SamModelPath is null ? null : Sam(models.SamModelPath, clip.Device);
            call(new ClipPipeline(clip, Tokenizer(ct), samModel, settings.ImageLimits));
        }
    }

    /// <summary>The entries on one run's models; runall is the engine's own (<see cref="RunAllPlan"/>) over these.</summary>
    private sealed class LoadedPipeline(EngineClipEngine engine, EngineModels models) : IClipPipeline
    {
        public void Explain(ExplainImagesRequest request, Action<PipelineEvent> sink, CancellationToken ct) => engine.With(models, ct, pipeline =>
        {
            pipeline.Explain(request, sink, ct);
            engine.log?.LogInformation("Explained {Count} image(s) of a run in one call (encoder batches of up to {BatchSize}) on {Device}",
                request.Images.Count, pipeline.Explainer.ImageBatchSize, pipeline.Explainer.Device);
        });

        public void Segment(SegmentImagesRequest request, Action<PipelineEvent> sink, CancellationToken ct) =>
            engine.With(models, ct, pipeline => pipeline.Segment(request, sink, ct));

        public void Opinions(OpinionsRequest request, Action<PipelineEvent> sink, CancellationToken ct) =>
            engine.With(models, ct, pipeline => pipeline.Opinions(request, sink, ct));

        public void SegmentLabels(SegmentLabelsRequest request, Action<PipelineEvent> sink, CancellationToken ct) =>
            engine.With(models, ct, pipeline => pipeline.SegmentLabels(request, sink, ct));

        public void Evaluate(ClipSurgeryWeb.Engine.Evaluation.EvalRequest request, Action<PipelineEvent> sink, CancellationToken ct) =>
            engine.With(models, ct, pipeline => pipeline.Evaluate(request, sink, ct));
    }

    /// <summary>
    /// The loaded CLIP model for <paramref name="path"/> in <paramref name="precision"/> (auto: the settings' default,
    /// then resolved against the device), loading it (and dropping the previous one) when either changes.
    /// </summary>
    private ClipExplainer Clip(string path, Precision precision, CancellationToken ct)
    {
        var full = Path.GetFullPath(path);
        var wanted = precision == Precision.Auto ? settings.Precision : precision;
        if (explainer is not null && explainer.CheckpointPath == full && explainer.Precision == Precisions.Resolve(wanted, explainer.Device)
            && explainer.ModelSha256 == FileChecksum.Sha256(ClipCheckpoint.WeightsFile(full)))
            return explainer;
        explainer?.Dispose();
        explainer = null;
        try
        {
            explainer = ClipExplainer.Load(full, Tokenizer(ct), new EngineOptions(settings.Device, settings.TextCacheDir, Precision: wanted, ImageBatchSize: settings.ImageBatchSize));
        }
        catch (ActivationRequiredException e)
        {
            throw new EngineInputException(Path.GetFileName(e.Subject), $"{e.Reason}. An admin can register it again on the Models page, choosing its activation", e);
        }
        return explainer;
    }

    /// <summary>The precision the loaded CLIP model computes in (null before any run).</summary>
    public Precision? LoadedPrecision
    {
        get
        {
            lock (gate)
                return explainer?.Precision;
        }
    }

    /// <summary>SAM stays fp32 whatever the run's precision: only CLIP follows OpenAI's half-precision recipe.</summary>
    private SamModel Sam(string path, TorchSharp.torch.Device device)
    {
        var full = Path.GetFullPath(path);
        var modified = File.GetLastWriteTimeUtc(full);
        if (sam is { } loaded && loaded.Path == full && loaded.Modified == modified)
            return loaded.Model;
        sam?.Model.Dispose();
        sam = null;
        sam = (full, modified, LoadSam(full, device));
        return sam.Value.Model;
    }

    /// <summary>
    /// The one way a SAM checkpoint becomes a model here (the jobs' masks and the interactive SAM page's sessions): fp32
    /// on <paramref name="device"/>, a file that is no SAM checkpoint refused with the reason.
    /// </summary>
    internal static SamModel LoadSam(string path, TorchSharp.torch.Device device)
    {
        try
        {
            return SamModel.Load(path, device);
        }
        catch (Exception e) when (e is InvalidDataException or FileNotFoundException)
        {
            throw new EngineInputException(Path.GetFileName(path), e.Message, e);
        }
    }

    private ClipTokenizer Tokenizer(CancellationToken ct)
    {
        if (tokenizer is not null)
            return tokenizer;
        var path = settings.VocabPath;
        if (!File.Exists(path))
        {
            // The default vocabulary location is the models folder: fetch the pinned, checksummed file once.
            var folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
            if (Path.GetFileName(path) != ModelCatalog.Vocabulary.FileName)
                throw new EngineInputException(path, "vocabulary file not found");
            try
            {
                path = new ModelResolver(folder, new ModelDownloader(http)).ResolveVocabularyAsync(null, null, ct).GetAwaiter().GetResult();
            }
            catch (NotOfficialChecksumException e)
            {
                throw new EngineInputException(Path.GetFileName(e.Subject), ForPage(e), e);
            }
        }
        try
        {
            tokenizer = ClipTokenizer.FromFile(path);
        }
        catch (Exception e) when (e is IOException or InvalidDataException)
        {
            throw new EngineInputException(path, e.Message, e);
        }
        return tokenizer;
    }

    /// <summary>What a page says about a file under an official name with another checksum (the engine states the fact only).</summary>
    public static string ForPage(NotOfficialChecksumException e) => e.IsVocabulary
        ? $"{e.Reason}. An admin can delete it from the models folder so the official file is downloaded again"
        : $"{e.Reason}. If it is a fine-tune, an admin can register it as a fine-tune on the Models page";

    /// <summary>
    /// Tells CLIP from SAM from the tensor names alone (nothing is loaded: multi-GB files list quickly) and, with
    /// <paramref name="checksum"/>, hashes the file and names an official one by its checksum. Listing does not hash:
    /// the models catalog computes checksums in the background.
    /// </summary>
    private static InstalledModel Examine(string path, bool checksum)
    {
        var full = Path.GetFullPath(path);
        var file = new FileInfo(ClipCheckpoint.WeightsFile(full));
        var format = CheckpointFile.DetectFormat(file.FullName);
        var kind = CheckpointFile.PeekKind(full) == CheckpointKind.Clip ? "clip" : "sam";
        var clip = kind == "clip" ? CheckpointFile.PeekClip(full) : null;
        var sha = checksum ? FileChecksum.Sha256(file.FullName) : null;
        var formatName = format switch
        {
            CheckpointFormat.TorchScript => "torchscript",
            CheckpointFormat.Safetensors => "safetensors",
            _ => "state-dict",
        };
        var name = Directory.Exists(full) ? Path.GetFileName(full) : Path.GetFileNameWithoutExtension(file.Name);
        return new InstalledModel(name, full, kind, formatName, file.Length, sha,
            sha is null ? null : ModelCatalog.FindBySha256(sha)?.Name, sha is null ? Models.ChecksumState.Computing : Models.ChecksumState.Done,
            clip is null ? null : CheckpointLayouts.Name(clip.Layout),
            clip?.Activation is { } a ? Activations.Name(a) : null,
            clip?.ActivationSource, clip?.VisionTransformer);
    }

    public void Dispose()
    {
        lock (gate)
        {
            explainer?.Dispose();
            sam?.Model.Dispose();
        }
    }
}
