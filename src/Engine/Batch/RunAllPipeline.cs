using ClipSurgeryWeb.Engine.Explaining;
using ClipSurgeryWeb.Engine.Imaging;
using ClipSurgeryWeb.Engine.Opinions;
using ClipSurgeryWeb.Engine.Segmentation;
using ClipSurgeryWeb.Engine.Storage;
using ClipSurgeryWeb.Engine.Tokenization;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace ClipSurgeryWeb.Engine.Batch;

/// <summary>
/// The reference's <c>runall</c> for one image at a time: opinions (gradient ascent) → labels = every token, targets =
/// tokens counted at least 3 times → plain CLIP and CLIP Surgery maps over the label set, single-label Surgery maps at
/// 512, and with SAM a mask per target from the single-label map's points → <c>DIR/&lt;stem&gt;/</c> with
/// <c>index.json</c> listing every file. Idempotent: a folder with <c>index.json</c> is finished and skipped; everything
/// is written into a staging folder and moved into place at the end, so an interrupted image leaves nothing behind.
/// Not thread-safe (one image at a time per pipeline).
/// </summary>
public sealed class RunAllPipeline(ClipExplainer explainer, ClipTokenizer tokenizer, string modelName, SamModel? sam = null)
{
    public const string IndexFile = "index.json";
    public const string RecordsFile = "records.txt";

    /// <summary>File types taken from an input folder (case-insensitive): the engine's one list (<see cref="ImageFileTypes"/>); other files are ignored.</summary>
    public static IReadOnlyList<string> ImageExtensions => ImageFileTypes.AllExtensions;

    private readonly GradientAscent ascent = new(explainer.Model, tokenizer);

    public string ModelName { get; } = modelName;

    /// <summary>The images of <paramref name="folder"/> (not its subfolders), by name.</summary>
    /// <exception cref="EngineInputException">The folder does not exist or holds no image.</exception>
    public static IReadOnlyList<string> ImagesIn(string folder)
    {
        if (!Directory.Exists(folder))
            throw new EngineInputException(folder, "no such folder");
        var images = Directory.EnumerateFiles(folder)
            .Where(f => ImageExtensions.Contains(Path.GetExtension(f).ToLowerInvariant()) && !Path.GetFileName(f).StartsWith('.'))
            .Order(StringComparer.Ordinal)
            .ToArray();
        return images.Length > 0 ? images : throw new EngineInputException(folder, $"holds no image ({string.Join(", ", ImageExtensions)})");
    }

    /// <summary><c>outDir/&lt;file name without extension&gt;</c>.</summary>
    public static string FolderFor(string outDir, string imagePath) => OutputNames.ImageFolder(outDir, imagePath);

    /// <summary>The folder's index when the image is finished (a readable <c>index.json</c>), else null.</summary>
    public static RunAllIndex? FinishedIndex(string folder)
    {
        var path = Path.Combine(folder, IndexFile);
        if (!File.Exists(path))
            return null;
        try
        {
            return JsonFile.Read<RunAllIndex>(path);
        }
        catch (EngineInputException)
        {
            return null;
        }
    }

    /// <summary>
    /// Makes <c>outDir/&lt;stem&gt;</c> for <paramref name="imagePath"/>, or returns at once when it is finished.
    /// <paramref name="progress"/> hears of every gradient-ascent step.
    /// </summary>
    /// <exception cref="EngineInputException">The image cannot be used; nothing is written.</exception>
    /// <exception cref="OperationCanceledException">Cancelled; nothing is written.</exception>
    public RunAllOutcome Process(string imagePath, string outDir, RunAllSettings settings, IProgress<OpinionProgress>? progress = null, CancellationToken ct = default)
    {
        settings.Validate(explainer.Model.Config.ContextLength);
        var folder = FolderFor(outDir, imagePath);
        // Finished means finished for this image and this model: another --model into the same folder redoes it.
        if (FinishedIndex(folder) is { } done && done.Image == Path.GetFileName(imagePath) && done.Model == ModelName)
            return new RunAllOutcome(imagePath, folder, true, done);

        using var image = ImageLoader.Load(imagePath, settings.Limits);
        var opinion = ascent.Run(image, settings.Opinions, progress, ct);
        var labels = opinion.Tokens.Tokens;
        var targets = opinion.Tokens.Targets(settings.MinTargetFrequency);

        using var staged = new StagedFolder(folder);
        var info = OpinionInfo.From(opinion, Path.GetFileName(imagePath), ModelName, explainer.ModelSha256);
        var files = new List<IndexedFile>();
        var names = OpinionFiles.WriteInto(staged.Path, opinion, info);
        files.Add(new IndexedFile(names[0], FileKinds.Tokens));
        files.Add(new IndexedFile(names[1], FileKinds.Words));
        files.Add(new IndexedFile(names[2], FileKinds.Opinion));

        if (targets.Count > 0)
        {
            var maps = Explain(image, labels, targets, settings, ct);
            var written = ExplanationWriter.WriteFiles(maps, image, staged.Path, saveMaps: false);
            for (int i = 0; i < maps.Maps.Count; i++)
            {
                var map = maps.Maps[i];
                files.Add(new IndexedFile(written[i], FileKinds.Map, map.Target, ExplainModes.Name(map.Mode), map.Resolution));
            }
            if (sam is not null)
                files.AddRange(Segment(image, maps.Maps.Where(m => m.Mode == ExplainMode.Single), staged.Path, ct));
        }

        var index = new RunAllIndex(info.Image, ModelName, opinion.Seed, labels, targets, files, DateTimeOffset.UtcNow);
        JsonFile.Write(Path.Combine(staged.Path, IndexFile), index);   // last: its presence marks the image finished
        ct.ThrowIfCancellationRequested();
        staged.Publish();
        return new RunAllOutcome(imagePath, folder, false, index);
    }

    /// <summary>Word world records over every opinion folder in <paramref name="outDir"/>, written to <c>outDir/records.txt</c>.</summary>
    public static IReadOnlyList<WordRecord> WriteRecords(string outDir)
    {
        var records = WordRecords.FromFolder(outDir);
        AtomicFile.WriteAllText(Path.Combine(outDir, RecordsFile), WordRecords.ToText(records));
        return records;
    }

    /// <summary>
    /// Plain and Surgery maps of the targets over the whole label set, then single-label maps (with points) at 512.
    /// One image at a time, not <see cref="ClipExplainer.ExplainMany"/>: each image's labels are the words its own opinions found.
    /// </summary>
    private Explanation Explain(Image<Rgb24> image, IReadOnlyList<string> labels, IReadOnlyList<string> targets, RunAllSettings settings, CancellationToken ct)
    {
        var overLabels = explainer.Explain(image, new ExplainRequest(labels, targets, settings.SurgeryResolution, ExplainMode.Surgery | ExplainMode.Plain), ct);
        var single = explainer.Explain(image, new ExplainRequest([], targets, settings.SingleResolution, ExplainMode.Single), ct);
        return new Explanation(image.Height, image.Width, [.. overLabels.Maps, .. single.Maps]);
    }

    /// <summary>Per single-label map: SAM from its points, the best of 3 masks (<see cref="TextSegmenter"/>), written by <see cref="SegmentationWriter"/>.</summary>
    private IEnumerable<IndexedFile> Segment(Image<Rgb24> image, IEnumerable<Heatmap> singleMaps, string directory, CancellationToken ct)
    {
        var maps = singleMaps.ToList();
        var results = new TextSegmenter(explainer, sam!).Segment(image, maps, ct);
        SegmentationWriter.WriteFiles(results, image, directory, onFile: null);
        foreach (var (map, r) in maps.Zip(results))
        {
            yield return new IndexedFile(OutputNames.MaskPng(r.Target), FileKinds.Mask, r.Target, Resolution: map.Resolution, Score: r.Score);
            yield return new IndexedFile(OutputNames.MaskOverlayPng(r.Target), FileKinds.MaskOverlay, r.Target, Resolution: map.Resolution, Score: r.Score);
        }
        yield return new IndexedFile(SegmentationWriter.MasksFile, FileKinds.Masks);
    }
}
