using System.Text.Json;
using ClipSurgeryWeb.Engine.Checkpoints;
using ClipSurgeryWeb.Engine.Evaluation;
using ClipSurgeryWeb.Engine.Explaining;
using ClipSurgeryWeb.Engine.Hosting;
using ClipSurgeryWeb.Engine.Imaging;
using ClipSurgeryWeb.Engine.Labelling;
using ClipSurgeryWeb.Engine.Methods;
using ClipSurgeryWeb.Engine.Pipeline;
using ClipSurgeryWeb.Engine.Storage;
using ClipSurgeryWeb.Engine.Tests.Support;
using ClipSurgeryWeb.Engine.Tokenization;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Processing;
using static ClipSurgeryWeb.Engine.Tests.Evaluation.EvalDatasetFiles;

namespace ClipSurgeryWeb.Engine.Tests.Evaluation;

/// <summary>
/// Evals under each method's own protocol, on the tiny methods model and a tiny VOC folder: NACLIP (whole image, PAMR
/// on, prob_thd 0.1) and SCLIP (slide, scale 65, area_thd 0.1) score as the segmenter asked with those settings by
/// hand; report.json, report.md and state.json record each method's protocol; a changed override is another eval.
/// </summary>
public sealed class EvalProtocolPipelineTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private static readonly MapMethod[] Methods = [DenseMethod.Naclip.Method, DenseMethod.Sclip.Method];

    private static ClipExplainer Explainer() => ClipExplainer.Load(Shared.Fixture("methods/clip_vit_tiny_methods_state_dict.pt"),
        ClipTokenizer.FromFile(Shared.Vocab), TorchSharp.torch.CPU, textCacheDir: null, Precision.Fp32, Activation.QuickGelu);

    /// <summary>A VOC folder of two real photos (the fixtures' demo and cat, shrunk to 96×72) with made-up labels: smooth test images give the tiny model one class everywhere, whatever the head.</summary>
    private static void Build(string folder)
    {
        var first = Enumerable.Range(0, 96 * 72).Select(i => (byte)(i % 96 < 48 ? 0 : 8)).ToArray();
        var second = Enumerable.Range(0, 96 * 72).Select(i => (byte)(i / 96 < 30 ? 15 : i % 96 < 10 ? 255 : 12)).ToArray();
        var voc = BuildVoc(folder, 96, [("2007_000001", first), ("2007_000002", second)]);
        foreach (var (id, photo) in new[] { ("2007_000001", "demo.jpg"), ("2007_000002", "bwcat_cat.png") })
        {
            using var image = SixLabors.ImageSharp.Image.Load<SixLabors.ImageSharp.PixelFormats.Rgb24>(Shared.Image(photo));
            image.Mutate(x => x.Resize(96, 72));
            image.SaveAsJpeg(Path.Combine(voc, "JPEGImages", id + ".jpg"));
        }
    }

    [Fact]
    public void An_eval_scores_each_method_under_its_protocol_records_it_and_a_changed_override_is_another_eval()
    {
        using var folder = new TempFolder();
        Build(folder.Path);
        using var explainer = Explainer();
        var pipeline = new ClipPipeline(explainer, ClipTokenizer.FromFile(Shared.Vocab));
        var events = new List<PipelineEvent>();

        pipeline.Evaluate(new EvalRequest(folder.Path, EvalDatasetKind.Voc21, Methods, folder["report"]), events.Add, CancellationToken.None);
        var report = Assert.IsType<EvalFinished>(events[^1]).Report;

        // The same scores from the segmenter with the configs' settings written out here (NACLIP's and SCLIP's cfg_voc21.py).
        var naclip = new LabelMethodSettings(DenseMethod.Naclip.Method, 336, new DenseHead(0, 0, 40, true), 0.1, true);
        var sclip = new LabelMethodSettings(DenseMethod.Sclip.Method, 336, new DenseHead(224, 112, 65, false) { AreaThreshold = 0.1 }, 0.1, false);
        var segmenter = new LabelSegmenter(explainer);
        var metrics = Methods.Select(_ => new SegmentationMetrics(21)).ToList();
        var defaults = Methods.Select(_ => new SegmentationMetrics(21)).ToList();
        foreach (var sample in EvalDataset.Open(folder.Path, EvalDatasetKind.Voc21).Samples)
        {
            using var image = ImageLoader.Load(sample.ImagePath);
            var labels = sample.ReadLabels();
            var predictions = segmenter.Segment(image, EvalClasses.For(EvalDatasetKind.Voc21), [naclip, sclip], false, (labels.Height, labels.Width));
            var plain = segmenter.Segment(image, EvalClasses.For(EvalDatasetKind.Voc21), Methods, new LabelSegmentationOptions(336, false, 0.1), false, (labels.Height, labels.Width));
            for (var m = 0; m < Methods.Length; m++)
            {
                metrics[m].Add(sample.Id, predictions[m].Prediction, labels.Values);
                defaults[m].Add(sample.Id, plain[m].Prediction, labels.Values);
            }
        }
        var scored = report.Methods.ToDictionary(m => m.Method);
        for (var m = 0; m < Methods.Length; m++)
        {
            Assert.Equal(metrics[m].Totals.Predicted, PredictedOf(folder["report"], Methods[m]));
            Assert.Equal(metrics[m].Compute().ClassIoU, scored[Methods[m]].Scores.ClassIoU);
        }
        // The protocols matter on this input: each method's predicted areas differ from its default head's at one short side.
        for (var m = 0; m < Methods.Length; m++)
            output.WriteLine($"{Methods[m]}: protocol predicted [{string.Join(",", metrics[m].Totals.Predicted)}], default head [{string.Join(",", defaults[m].Totals.Predicted)}]");
        for (var m = 0; m < Methods.Length; m++)
            Assert.NotEqual(defaults[m].Totals.Predicted, metrics[m].Totals.Predicted);

        // report.json (read back) carries each method's protocol; report.md shows it; state.json's settings hold it.
        var read = EvalReportFile.Read(folder["report"]);
        Assert.Equal(EvalProtocol.For(DenseMethod.Naclip.Method, EvalDatasetKind.Voc21), read.Methods.Single(m => m.Method == Methods[0]).Protocol);
        Assert.Equal(EvalProtocol.For(DenseMethod.Sclip.Method, EvalDatasetKind.Voc21), read.Methods.Single(m => m.Method == Methods[1]).Protocol);
        Assert.Equal((null, null), (read.ShortSide, read.Pamr));
        Assert.Equal(report.Methods.Select(m => m.Protocol), read.Methods.Select(m => m.Protocol));
        Assert.True(read.Methods.Single(m => m.Method == Methods[0]).Protocol!.Head!.IsWholeImage);
        var markdown = File.ReadAllText(Path.Combine(folder["report"], EvalReportFile.MarkdownName));
        Assert.Contains("| naclip | sinahmr/NACLIP configs/cfg_voc21.py | 336 | whole image | 40 | 0.1 | — | on |", markdown);
        Assert.Contains("| sclip | wangf3014/SCLIP configs/cfg_voc21.py | 336 | slide 224/112 | 65 | 0.1 | 0.1 | off |", markdown);
        var state = JsonFile.Read<EvalState>(Path.Combine(folder["report"], EvalReportFile.StateName));
        Assert.Equal(EvalState.CurrentVersion, state.Version);
        Assert.Equal(report.Methods.Select(m => m.Protocol), state.Settings.Protocols);

        // --no-pamr is another eval: refused in that folder without a restart, scored with NACLIP's PAMR off with one.
        var refused = Assert.Throws<EngineInputException>(() => pipeline.Evaluate(
            new EvalRequest(folder.Path, EvalDatasetKind.Voc21, Methods, folder["report"], Pamr: false), _ => { }, CancellationToken.None));
        Assert.Contains("holds the state of another eval", refused.Reason);
        var restarted = new List<PipelineEvent>();
        pipeline.Evaluate(new EvalRequest(folder.Path, EvalDatasetKind.Voc21, Methods, folder["report"], Pamr: false, Restart: true), restarted.Add, CancellationToken.None);
        var off = Assert.IsType<EvalFinished>(restarted[^1]).Report;
        Assert.Equal(false, off.Pamr);
        Assert.False(off.Methods.Single(m => m.Method == Methods[0]).Protocol!.Pamr);
        var offMarkdown = File.ReadAllText(Path.Combine(folder["report"], EvalReportFile.MarkdownName));
        Assert.Contains("- PAMR: off (asked)", offMarkdown);
        Assert.Contains("| naclip | sinahmr/NACLIP configs/cfg_voc21.py; PAMR off asked (its code: on) | 336 | whole image | 40 | 0.1 | — | off |", offMarkdown);
    }

    private static IReadOnlyList<long> PredictedOf(string reportFolder, MapMethod method)
    {
        var state = JsonFile.Read<EvalState>(Path.Combine(reportFolder, EvalReportFile.StateName));
        return state.Methods.Single(m => m.Method == method.Name).Predicted;
    }

    [Fact]
    public void A_state_from_before_protocols_is_refused_with_the_clear_message()
    {
        using var folder = new TempFolder();
        BuildVoc(folder.Path);
        Directory.CreateDirectory(folder["report"]);
        // A version-1 state.json as the previous evaluator wrote it: one short side, PAMR and threshold for every method.
        File.WriteAllText(Path.Combine(folder["report"], EvalReportFile.StateName), """
            {"version":1,"fingerprint":"abc","settings":{"dataset":"voc21","datasetRoot":"/x","images":2,"imagesSha256":"s","methods":["naclip"],
             "model":"tiny.pt","classesSha256":"c","shortSide":336,"pamr":false,"threshold":0.1},
             "started":"2026-01-01T00:00:00+00:00","done":[],"methods":[]}
            """);
        var evaluator = new Evaluator((_, sample, _, _, _) => [sample.ReadLabels().Values], "tiny.pt", null);

        var refused = Assert.Throws<EngineInputException>(() => evaluator.Run(
            new EvalRequest(folder.Path, EvalDatasetKind.Voc21, [DenseMethod.Naclip.Method], folder["report"]), null, CancellationToken.None));

        Assert.Contains("holds the state of another eval (voc21 at /x (2 images), methods naclip, model tiny.pt, short side 336, PAMR off)", refused.Reason);
        Assert.Contains("naclip: short side 336, whole image", refused.Reason);
        var report = evaluator.Run(new EvalRequest(folder.Path, EvalDatasetKind.Voc21, [DenseMethod.Naclip.Method], folder["report"], Restart: true), null, CancellationToken.None);
        Assert.Equal(EvalProtocol.For(DenseMethod.Naclip.Method, EvalDatasetKind.Voc21), report.Methods[0].Protocol);
    }

    [Fact]
    public void A_report_round_trips_its_protocols_and_NaN_scores_and_one_from_before_protocols_still_reads()
    {
        var protocol = EvalProtocol.For(DenseMethod.Sclip.Method, EvalDatasetKind.Voc21);
        var scores = new SegmentationScores(0.5, 0.25, 0.75, [double.NaN, 0.5], [double.NaN, 1]);
        var report = new EvalReport("m.pt", null, EvalDatasetKind.Voc21, "/d", 1, 2, null, false, null, ["background", "cat"],
            [new EvalMethodScores(DenseMethod.Sclip.Method, scores, protocol)], DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch);

        var back = EvalReportFile.Deserialize(EvalReportFile.Serialize(report));

        Assert.Equal(protocol, back.Methods[0].Protocol);
        Assert.Equal(0.1, back.Methods[0].Protocol!.Head!.AreaThreshold);
        Assert.True(double.IsNaN(back.Methods[0].Scores.ClassIoU[0]));
        Assert.Equal(false, back.Pamr);

        var old = JsonSerializer.Serialize(new
        {
            model = "m.pt", dataset = "voc21", datasetFolder = "/d", images = 1, datasetImages = 2, shortSide = 336, pamr = false,
            classNames = new[] { "background", "cat" }, threshold = 0.1,
            methods = new[] { new { method = "sclip", scores = new { allAccuracy = 0.5, meanIoU = 0.25, meanAccuracy = 0.75, classIoU = new object[] { "NaN", 0.5 }, classAccuracy = new object[] { "NaN", 1.0 } } } },
            started = DateTimeOffset.UnixEpoch, finished = DateTimeOffset.UnixEpoch,
        });
        var legacy = EvalReportFile.Deserialize(old);
        Assert.Null(legacy.Methods[0].Protocol);
        Assert.Equal((336, false), (legacy.ShortSide, legacy.Pamr));
        Assert.Contains("| sclip | not recorded", EvalReportFile.Markdown(legacy));
    }
}
