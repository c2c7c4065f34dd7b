using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using ClipSurgeryWeb.Engine.Checkpoints;
using ClipSurgeryWeb.Engine.Explaining;
using ClipSurgeryWeb.Engine.Maps;
using ClipSurgeryWeb.Engine.Methods;
using ClipSurgeryWeb.Engine.Opinions;
using ClipSurgeryWeb.Engine.Pipeline;
using ClipSurgeryWeb.Engine.Scores;
using ClipSurgeryWeb.Engine.Segmentation;
using ClipSurgeryWeb.Jobs.Engine;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace ClipSurgeryWeb.Tests.Fakes;

/// <summary>
/// A deterministic stand-in for the numeric engine: writes small real PNGs, a tokens.csv and words.txt, reports
/// progress with short sleeps and honours cancellation, so tests exercise the whole web/job/SignalR path. Swap the
/// registration for the real engine to run the same tests against the tiny fixture model.
/// </summary>
public sealed class FakeClipEngine : IClipEngine
{
    /// <summary>Words every opinions call returns: two are longer than 15 characters (records).</summary>
    public static readonly IReadOnlyList<TokenCount> Tokens =
    [
        new("cat", 5), new("whiskers", 3), new("photographically", 2), new("sofa", 1), new("extraordinarily", 1),
        new("incomprehensibilities", 1),
    ];

    /// <summary>Words opinions calls return besides the tokens' words.</summary>
    public List<string> ExtraWords { get; } = [];

    private readonly ConcurrentQueue<(string Method, string ImagePath)> _calls = new();
    private readonly ConcurrentQueue<FakeExplainCall> _explainSpecs = new();
    private readonly ConcurrentQueue<FakeOpinionsCall> _opinionSpecs = new();

    /// <summary>
    /// Whether explain calls with labels also rank them, as the real engine does: <see cref="LabelsScored"/> with
    /// <see cref="ScoresFor"/> and <c>scores.json</c>. Off by default, so tests that count an image's files see only maps.
    /// </summary>
    public bool EmitScores { get; set; }

    /// <summary>The fake's zero-shot ranking of <paramref name="labels"/>: a softmax over made-up cosines, most probable first.</summary>
    public static IReadOnlyList<LabelScore> ScoresFor(IReadOnlyList<string> labels)
    {
        var distinct = labels.Distinct(StringComparer.Ordinal).ToList();
        var cosines = distinct.Select(l => 0.15f + SHA256.HashData(Encoding.UTF8.GetBytes(l))[0] / 2550f).ToList();
        var exp = cosines.Select(c => Math.Exp(100 * (c - cosines.Max()))).ToList();
        return distinct.Select((l, i) => new LabelScore(l, (float)(exp[i] / exp.Sum()), cosines[i]))
            .OrderByDescending(s => s.Probability).ThenBy(s => s.Label, StringComparer.Ordinal).ToList();
    }

    /// <summary>The fake's value range of a heatmap (what its 0 and 1 stand for), different per method and target.</summary>
    public static MapRange RangeFor(MapMethod method, string target)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{method}/{target}"));
        return new MapRange(0.1f + hash[0] / 2550f, 0.3f + hash[1] / 2550f);
    }

    /// <summary>Pause per step (per written file, per 10 iterations, per download chunk).</summary>
    public TimeSpan StepDelay { get; set; } = TimeSpan.Zero;

    /// <summary>
    /// Images whose path contains a key fail with the value as reason (an EngineInputException); a key
    /// "method:part" (e.g. "explain:abc") fails only that method.
    /// </summary>
    public ConcurrentDictionary<string, string> Failures { get; } = new();

    /// <summary>Like <see cref="Failures"/>, but the error names the image file it was given, as the real engine's image loader does.</summary>
    public ConcurrentDictionary<string, string> FailuresNamingTheFile { get; } = new();

    /// <summary>
    /// Called with the method, the image path and the call's token as a call begins, before it writes anything. A test
    /// holds the engine here (waiting on a gate, or on the token) to act at a known point instead of racing a timer.
    /// </summary>
    public Action<string, string, CancellationToken>? Starting { get; set; }

    /// <summary>Called with each heatmap's name as explain writes it, before the job hears of it.</summary>
    public Action<string>? Writing { get; set; }

    /// <summary>Called with the method and image path when a call has written all its files, just before it returns.</summary>
    public Action<string, string>? Finishing { get; set; }

    public IReadOnlyList<(string Method, string ImagePath)> Calls => _calls.ToArray();

    /// <summary>Every explain call's settings, in call order.</summary>
    public IReadOnlyList<FakeExplainCall> ExplainSpecs => _explainSpecs.ToArray();

    /// <summary>Every opinions call's settings, in call order.</summary>
    public IReadOnlyList<FakeOpinionsCall> OpinionSpecs => _opinionSpecs.ToArray();

    public int CallsFor(string method, string pathPart) => Calls.Count(c => c.Method == method && c.ImagePath.Contains(pathPart));

    public IReadOnlyList<string> OfficialClipModels { get; } = ["RN50", "ViT-B/16"];

    public IReadOnlyList<string> OfficialSamModels { get; } = ["vit_b"];

    public IReadOnlyList<InstalledModel> ListModels(string modelsDir) =>
        !Directory.Exists(modelsDir)
            ? []
            : Directory.EnumerateFiles(modelsDir).Where(IsCheckpointName).Order(StringComparer.Ordinal).Select(Inspect).ToList();

    public InstalledModel Inspect(string checkpointPath)
    {
        var name = Path.GetFileName(checkpointPath);
        if (!File.Exists(checkpointPath))
            throw new EngineInputException(name, "file not found");
        var head = new byte[2];
        using (var stream = File.OpenRead(checkpointPath))
            _ = stream.Read(head);
        var safetensors = name.EndsWith(".safetensors", StringComparison.OrdinalIgnoreCase);
        if (!safetensors && (head[0] != (byte)'P' || head[1] != (byte)'K'))
            throw new EngineInputException(name, "not a PyTorch checkpoint (no zip archive inside)");
        var kind = name.Contains("sam", StringComparison.OrdinalIgnoreCase) ? "sam" : "clip";
        var format = safetensors ? "safetensors" : name.Contains("jit", StringComparison.OrdinalIgnoreCase) ? "torchscript" : "state-dict";
        using var content = File.OpenRead(checkpointPath);
        return new InstalledModel(Path.GetFileNameWithoutExtension(name), Path.GetFullPath(checkpointPath), kind, format,
            new FileInfo(checkpointPath).Length, Convert.ToHexStringLower(SHA256.HashData(content)), null);
    }

    public void Download(string officialName, string modelsDir, IProgress<DownloadProgress> progress, CancellationToken ct)
    {
        const int chunks = 5;
        var target = Path.Combine(modelsDir, officialName.Replace('/', '-') + ".pt");
        Directory.CreateDirectory(modelsDir);
        using (var output = File.Create(target + ".part"))
        {
            output.Write("PK"u8);
            for (var i = 1; i <= chunks; i++)
            {
                ct.ThrowIfCancellationRequested();
                output.Write(new byte[1024]);
                progress.Report(new DownloadProgress(officialName, i * 1024L, chunks * 1024L));
                Pause(ct);
            }
        }
        File.Move(target + ".part", target, overwrite: true);
    }

    /// <summary>Images one explain call takes (the real engine's ImageBatchSize).</summary>
    public int ImageBatchSize { get; set; } = 1;

    /// <summary>Every explain call's images, in call order.</summary>
    public IReadOnlyList<IReadOnlyList<string>> ExplainBatches => _explainBatches.ToArray();

    private readonly ConcurrentQueue<IReadOnlyList<string>> _explainBatches = new();

    public IClipPipeline Pipeline(EngineModels models) => new FakePipeline(this, models);

    /// <summary>
    /// The engine's entries, faked per image as the real ones behave: events as files are written, a failing image ends
    /// with <see cref="ImageFailed"/> and the others go on, cancellation throws. RunAll is the engine's own
    /// (<see cref="RunAllPlan"/>) over these.
    /// </summary>
    private sealed class FakePipeline(FakeClipEngine fake, EngineModels models) : IClipPipeline
    {
        public void Explain(ExplainImagesRequest request, Action<PipelineEvent> sink, CancellationToken ct)
        {
            request.Validate();
            fake._explainSpecs.Enqueue(new FakeExplainCall(models, request));
            fake._explainBatches.Enqueue(request.Images.Select(i => i.Path).ToArray());
            foreach (var image in request.Images)
                Each(image, sink, ct, () => fake.ExplainOne(request, image, sink, ct));
        }

        public void Segment(SegmentImagesRequest request, Action<PipelineEvent> sink, CancellationToken ct)
        {
            request.Validate();
            foreach (var image in request.Images)
                Each(image, sink, ct, () => fake.SegmentOne(request.Targets, image, sink, ct));
        }

        public void Opinions(OpinionsRequest request, Action<PipelineEvent> sink, CancellationToken ct)
        {
            request.Validate();
            fake._opinionSpecs.Enqueue(new FakeOpinionsCall(models, request));
            foreach (var image in request.Images)
                Each(image, sink, ct, () => fake.OpinionsOne(request, image, sink, ct));
        }

        /// <summary>
        /// Per image and method: a stripe label map (each class a band of columns, shifted per method, so methods differ)
        /// as <c>labelmap_&lt;method&gt;.png</c> (grey levels = class ids) and a coloured <c>labels_&lt;method&gt;.png</c>,
        /// announced with the shares the stripes really have; <c>labels.safetensors</c> with SaveMaps. Methods are not
        /// checked against the label segmenter's list (the engine's own check), only that there is one.
        /// </summary>
        public void SegmentLabels(SegmentLabelsRequest request, Action<PipelineEvent> sink, CancellationToken ct)
        {
            request.Validate();
            foreach (var image in request.Images)
            {
                Each(image, sink, ct, () =>
                {
                    fake.Begin("labels", image.Path, ct);
                    sink(new StageStarted(image.Key, PipelineStage.Labels, request.Methods.Count));
                    const int height = 48, width = 64;
                    var classes = request.Classes;
                    foreach (var (method, index) in request.Methods.Select((m, i) => (m, i)))
                    {
                        ct.ThrowIfCancellationRequested();
                        var ids = new byte[height * width];
                        for (var y = 0; y < height; y++)
                        {
                            for (var x = 0; x < width; x++)
                                ids[y * width + x] = (byte)((x * classes.Count / width + index) % classes.Count);
                        }
                        var prediction = new ClipSurgeryWeb.Engine.Labelling.LabelPrediction(method, classes, height, width, ids, null);
                        var labelFile = $"labelmap_{method.Name}.png";
                        using (var map = Image.LoadPixelData<L8>(ids, width, height))
                            map.SaveAsPng(Path.Combine(image.OutputDir, labelFile));
                        var overlay = $"labels_{method.Name}.png";
                        WritePng(Path.Combine(image.OutputDir, overlay), $"labels/{method}");
                        sink(new LabelMapWritten(image.Key, method, overlay, labelFile, height, width, prediction.Shares()));
                        fake.Pause(ct);
                    }
                    if (request.SaveMaps)
                    {
                        File.WriteAllBytes(Path.Combine(image.OutputDir, "labels.safetensors"), Encoding.UTF8.GetBytes("fake labels"));
                        sink(new FileWritten(image.Key, OutputKind.Labels, "labels.safetensors"));
                    }
                    fake.Finishing?.Invoke("labels", image.Path);
                });
            }
        }

        public void Evaluate(ClipSurgeryWeb.Engine.Evaluation.EvalRequest request, Action<PipelineEvent> sink, CancellationToken ct) =>
            fake.EvaluateAll(models, request, sink, ct);

        private static void Each(PipelineImage image, Action<PipelineEvent> sink, CancellationToken ct, Action work)
        {
            ct.ThrowIfCancellationRequested();
            try
            {
                work();
                sink(new ImageFinished(image.Key));
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                sink(new ImageFailed(image.Key, e));
            }
        }
    }

    private void ExplainOne(ExplainImagesRequest request, PipelineImage image, Action<PipelineEvent> sink, CancellationToken ct)
    {
        Begin("explain", image.Path, ct);
        var targets = request.Maps.EffectiveTargets;
        var methods = request.Maps.EffectiveMethods;
        sink(new StageStarted(image.Key, PipelineStage.Explain, targets.Count * methods.Count));
        foreach (var target in targets)
        {
            foreach (var method in methods)
            {
                ct.ThrowIfCancellationRequested();
                var name = OutputNames.Png(method, target);
                WritePng(Path.Combine(image.OutputDir, name), $"{method}/{target}");
                Writing?.Invoke(name);
                sink(new HeatmapWritten(image.Key, method, target, request.Maps.Resolution ?? 224, name, RangeFor(method, target)));
                Pause(ct);
            }
        }
        if (request.SaveMaps)
        {
            File.WriteAllBytes(Path.Combine(image.OutputDir, OutputNames.MapsFile), Encoding.UTF8.GetBytes("fake maps"));
            sink(new FileWritten(image.Key, OutputKind.Maps, OutputNames.MapsFile));
        }
        if (EmitScores && request.Maps.Labels.Count > 0)
        {
            var scores = ScoresFor(request.Maps.Labels);
            sink(new LabelsScored(image.Key, scores));
            sink(new FileWritten(image.Key, OutputKind.Scores, ScoresFile.Write(image.OutputDir, scores)));
        }
        Finishing?.Invoke("explain", image.Path);
        if (request.Segment)
            SegmentOne(targets, image, sink, ct);
    }

    private void SegmentOne(IReadOnlyList<string> targets, PipelineImage image, Action<PipelineEvent> sink, CancellationToken ct)
    {
        Begin("segment", image.Path, ct);
        sink(new StageStarted(image.Key, PipelineStage.Segment, targets.Count));
        foreach (var target in targets)
        {
            ct.ThrowIfCancellationRequested();
            var mask = OutputNames.MaskPng(target);
            WritePng(Path.Combine(image.OutputDir, mask), $"mask/{target}");
            sink(new MaskWritten(image.Key, target, mask, 0.9f, 512));
            var overlay = OutputNames.MaskOverlayPng(target);
            WritePng(Path.Combine(image.OutputDir, overlay), $"overlay/{target}");
            sink(new OverlayWritten(image.Key, target, overlay, 0.9f, 512));
            Pause(ct);
        }
        File.WriteAllBytes(Path.Combine(image.OutputDir, SegmentationWriter.MasksFile), Encoding.UTF8.GetBytes("fake masks"));
        sink(new FileWritten(image.Key, OutputKind.Masks, SegmentationWriter.MasksFile));
    }

    private void OpinionsOne(OpinionsRequest request, PipelineImage image, Action<PipelineEvent> sink, CancellationToken ct)
    {
        Begin("opinions", image.Path, ct);
        var iterations = request.Settings.Iterations;
        sink(new StageStarted(image.Key, PipelineStage.Opinions, iterations));
        const string best = "cat whiskers photographically";
        for (var i = 10; i <= iterations; i += 10)
        {
            ct.ThrowIfCancellationRequested();
            sink(new OpinionProgressed(image.Key, new OpinionProgress(i, iterations, -20f - 10f * i / iterations, best, -30f, null)));
            Pause(ct);
        }
        sink(new OpinionProgressed(image.Key, new OpinionProgress(iterations, iterations, -30f, best, -30f, null)));
        File.WriteAllLines(Path.Combine(image.OutputDir, OpinionFiles.TokensFile), ["Token,Frequency", .. Tokens.Select(t => $"{t.Token},{t.Frequency}")]);
        sink(new FileWritten(image.Key, OutputKind.Tokens, OpinionFiles.TokensFile));
        var words = Tokens.Select(t => t.Token).Concat(ExtraWords).ToList();
        File.WriteAllLines(Path.Combine(image.OutputDir, OpinionFiles.WordsFile), words);
        sink(new FileWritten(image.Key, OutputKind.Words, OpinionFiles.WordsFile));
        sink(new OpinionFinished(image.Key, Tokens, words, Seed: 0));
        Finishing?.Invoke("opinions", image.Path);
    }

    /// <summary>Images a fake eval scores (before its request's limit); the fake's dataset, whatever the folder holds.</summary>
    public int EvalImages { get; set; } = 5;

    /// <summary>Called with each image's index (0-based, in the dataset) and the call's token before a fake eval scores it.</summary>
    public Action<int, CancellationToken>? EvalScoring { get; set; }

    /// <summary>Every eval call's models and request, in call order.</summary>
    public IReadOnlyList<(EngineModels Models, ClipSurgeryWeb.Engine.Evaluation.EvalRequest Request)> EvalCalls => _evalCalls.ToArray();

    private readonly ConcurrentQueue<(EngineModels, ClipSurgeryWeb.Engine.Evaluation.EvalRequest)> _evalCalls = new();

    /// <summary>The fake's state file in an eval's report folder: how many images are scored, as the real engine resumes from its state.</summary>
    public const string EvalStateFile = "fake-eval-state.txt";

    /// <summary>
    /// A fake eval as the real one behaves: refuses a missing folder before writing anything, scores its images one at a
    /// time from where the report folder's state says it stopped (a resumed eval counts the earlier images as done),
    /// says so after each (<see cref="EvalProgressed"/>), honours cancellation between images, and ends with
    /// <c>report.json</c> and <c>report.md</c> and <see cref="EvalFinished"/> carrying <see cref="EvalReportFor"/>.
    /// </summary>
    private void EvaluateAll(EngineModels models, ClipSurgeryWeb.Engine.Evaluation.EvalRequest request, Action<PipelineEvent> sink, CancellationToken ct)
    {
        _evalCalls.Enqueue((models, request));
        _calls.Enqueue(("eval", request.DatasetFolder));
        Starting?.Invoke("eval", request.DatasetFolder, ct);
        if (!Directory.Exists(request.DatasetFolder))
            throw new EngineInputException(request.DatasetFolder, "dataset folder not found");
        Directory.CreateDirectory(request.ReportFolder);
        var started = DateTimeOffset.UtcNow;
        var total = Math.Min(EvalImages, request.Limit ?? int.MaxValue);
        var state = Path.Combine(request.ReportFolder, EvalStateFile);
        var done = File.Exists(state) ? int.Parse(File.ReadAllText(state), System.Globalization.CultureInfo.InvariantCulture) : 0;
        for (var i = done; i < total; i++)
        {
            EvalScoring?.Invoke(i, ct);
            ct.ThrowIfCancellationRequested();
            Pause(ct);
            File.WriteAllText(state, (i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture));
            sink(new EvalProgressed($"image_{i:D4}", i + 1, total));
        }
        var report = EvalReportFor(request, Path.GetFileNameWithoutExtension(models.ClipModelPath), total, started);
        var file = Path.Combine(request.ReportFolder, "report.json");
        File.WriteAllText(file, ClipSurgeryWeb.Jobs.Evaluation.EvalReportJson.Write(report));
        File.WriteAllLines(Path.Combine(request.ReportFolder, "report.md"),
            ["| method | mIoU |", "|---|---|", .. report.Methods.Select(m => $"| {m.Method} | {100 * m.Scores.MeanIoU:0.00} |")]);
        Finishing?.Invoke("eval", request.DatasetFolder);
        sink(new EvalFinished(request.DatasetFolder, report, file));
    }

    /// <summary>
    /// The fake's report: four classes ("background", "cat", "dog", "sofa"; "sofa" has no pixels, NaN as mmseg leaves it)
    /// and made-up per-method IoUs that differ per method, with mIoU, mAcc and aAcc computed from them as mmseg does.
    /// </summary>
    public static ClipSurgeryWeb.Engine.Evaluation.EvalReport EvalReportFor(ClipSurgeryWeb.Engine.Evaluation.EvalRequest request, string model,
        int images, DateTimeOffset started)
    {
        IReadOnlyList<string> classes = ["background", "cat", "dog", "sofa"];
        var protocols = ClipSurgeryWeb.Engine.Evaluation.EvalProtocol.ForRequest(request);
        var methods = request.Methods.Select((method, i) =>
        {
            var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"eval/{method}"));
            var iou = classes.Select((_, c) => c == 3 ? double.NaN : 0.2 + hash[c] / 425.0).ToList();
            var acc = iou.Select(v => double.IsNaN(v) ? v : Math.Min(1, v + 0.1)).ToList();
            var scores = new ClipSurgeryWeb.Engine.Evaluation.SegmentationScores(
                0.5 + hash[5] / 600.0, iou.Where(v => !double.IsNaN(v)).Average(), acc.Where(v => !double.IsNaN(v)).Average(), iou, acc);
            return new ClipSurgeryWeb.Engine.Evaluation.EvalMethodScores(method, scores, protocols[i]);
        }).ToList();
        return new ClipSurgeryWeb.Engine.Evaluation.EvalReport(model, null, request.Dataset, request.DatasetFolder, images, images + 2,
            request.ShortSide, request.Pamr, request.Limit, classes, methods, started, DateTimeOffset.UtcNow);
    }

    private void Begin(string method, string imagePath, CancellationToken ct)
    {
        _calls.Enqueue((method, imagePath));
        Starting?.Invoke(method, imagePath, ct);
        if (!File.Exists(imagePath))
            throw new EngineInputException(Path.GetFileName(imagePath), "image file not found");
        foreach (var (key, reason) in FailuresNamingTheFile)
        {
            if (imagePath.Contains(key))
                throw new EngineInputException(imagePath, reason);
        }
        foreach (var (key, reason) in Failures)
        {
            var colon = key.IndexOf(':');
            var applies = colon < 0 ? imagePath.Contains(key) : key[..colon] == method && imagePath.Contains(key[(colon + 1)..]);
            if (applies)
                throw new EngineInputException("image", reason);
        }
    }

    private void Pause(CancellationToken ct)
    {
        if (StepDelay > TimeSpan.Zero)
            ct.WaitHandle.WaitOne(StepDelay);
        ct.ThrowIfCancellationRequested();
    }

    private static bool IsCheckpointName(string path) =>
        Path.GetExtension(path).ToLowerInvariant() is ".pt" or ".pth" or ".safetensors";

    /// <summary>A 64×48 gradient whose colour depends on the text, so different maps look different.</summary>
    public static void WritePng(string path, string seed)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(seed));
        using var image = new Image<Rgba32>(64, 48);
        for (var y = 0; y < image.Height; y++)
        {
            for (var x = 0; x < image.Width; x++)
                image[x, y] = new Rgba32((byte)(hash[0] ^ (x * 4)), (byte)(hash[1] ^ (y * 5)), hash[2], 255);
        }
        image.SaveAsPng(path);
    }
}
