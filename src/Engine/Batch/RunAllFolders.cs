using System.Runtime.ExceptionServices;
using ClipSurgeryWeb.Engine.Explaining;
using ClipSurgeryWeb.Engine.Imaging;
using ClipSurgeryWeb.Engine.Opinions;
using ClipSurgeryWeb.Engine.Pipeline;
using ClipSurgeryWeb.Engine.Segmentation;
using ClipSurgeryWeb.Engine.Storage;
using ClipSurgeryWeb.Engine.Tokenization;

namespace ClipSurgeryWeb.Engine.Batch;

/// <summary>
/// The CLI's <c>runall</c> folders: each image's results in <c>DIR/&lt;stem&gt;/</c> with <c>index.json</c> listing every
/// file, made by the engine's one runall (<see cref="RunAllPlan"/>) and indexed from its events. Idempotent: a folder
/// with <c>index.json</c> is finished and skipped; everything is written into a staging folder and moved into place at
/// the end, so an interrupted image leaves nothing behind. Not thread-safe (one image at a time).
/// </summary>
public sealed class RunAllFolders(ClipExplainer explainer, ClipTokenizer tokenizer, string modelName, SamModel? sam = null)
{
    public const string IndexFile = "index.json";
    public const string RecordsFile = "records.txt";

    public string ModelName { get; } = modelName;

    /// <summary>The images of <paramref name="folder"/> (not its subfolders), by name: the engine's one list of file types (<see cref="ImageFileTypes"/>, case-insensitive); other files are ignored.</summary>
    /// <exception cref="EngineInputException">The folder does not exist or holds no image.</exception>
    public static IReadOnlyList<string> ImagesIn(string folder)
    {
        if (!Directory.Exists(folder))
            throw new EngineInputException(folder, "no such folder");
        var images = Directory.EnumerateFiles(folder)
            .Where(f => ImageFileTypes.AllExtensions.Contains(Path.GetExtension(f).ToLowerInvariant()) && !Path.GetFileName(f).StartsWith('.'))
            .Order(StringComparer.Ordinal)
            .ToArray();
        return images.Length > 0 ? images : throw new EngineInputException(folder, $"holds no image ({string.Join(", ", ImageFileTypes.AllExtensions)})");
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

        using var staged = new StagedFolder(folder);
        var files = new List<IndexedFile>();
        long seed = 0;
        IReadOnlyList<string> labels = [], targets = [];
        ImageFailed? failure = null;
        void Index(PipelineEvent e)
        {
            switch (e)
            {
                case OpinionProgressed p: progress?.Report(p.Progress); break;
                case OpinionFinished o: seed = o.Seed; break;
                case LabelsChosen l: (labels, targets) = (l.Labels, l.Targets); break;
                case FileWritten { Kind: OutputKind.Tokens } f: files.Add(new IndexedFile(f.File, FileKinds.Tokens)); break;
                case FileWritten { Kind: OutputKind.Words } f: files.Add(new IndexedFile(f.File, FileKinds.Words)); break;
                case FileWritten { Kind: OutputKind.OpinionInfo } f: files.Add(new IndexedFile(f.File, FileKinds.Opinion)); break;
                case FileWritten { Kind: OutputKind.Masks } f: files.Add(new IndexedFile(f.File, FileKinds.Masks)); break;
                case FileWritten { Kind: OutputKind.Scores } f: files.Add(new IndexedFile(f.File, FileKinds.Scores)); break;
                case HeatmapWritten h: files.Add(new IndexedFile(h.File, FileKinds.Map, h.Target, h.Method, h.Resolution)); break;
                case MaskWritten m: files.Add(new IndexedFile(m.File, FileKinds.Mask, m.Target, Resolution: m.Resolution, Score: m.Score)); break;
                case OverlayWritten o: files.Add(new IndexedFile(o.File, FileKinds.MaskOverlay, o.Target, Resolution: o.Resolution, Score: o.Score)); break;
                case ImageFailed f: failure = f; break;
            }
        }
        var request = new RunAllRequest([new PipelineImage(imagePath, imagePath, staged.Path)], settings, ModelName, Segment: sam is not null);
        new ClipPipeline(explainer, tokenizer, sam, settings.Limits).RunAll(request, Index, ct);
        if (failure is not null)
            ExceptionDispatchInfo.Capture(failure.Error).Throw();

        var index = new RunAllIndex(Path.GetFileName(imagePath), ModelName, seed, labels, targets, files, DateTimeOffset.UtcNow);
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
}
