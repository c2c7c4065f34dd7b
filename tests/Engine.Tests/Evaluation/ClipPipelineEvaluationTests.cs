using ClipSurgeryWeb.Engine.Checkpoints;
using ClipSurgeryWeb.Engine.Evaluation;
using ClipSurgeryWeb.Engine.Explaining;
using ClipSurgeryWeb.Engine.Hosting;
using ClipSurgeryWeb.Engine.Imaging;
using ClipSurgeryWeb.Engine.Labelling;
using ClipSurgeryWeb.Engine.Methods;
using ClipSurgeryWeb.Engine.Pipeline;
using ClipSurgeryWeb.Engine.Tests.Support;
using ClipSurgeryWeb.Engine.Tokenization;
using static ClipSurgeryWeb.Engine.Tests.Evaluation.EvalDatasetFiles;

namespace ClipSurgeryWeb.Engine.Tests.Evaluation;

/// <summary>
/// <see cref="ClipPipeline.Evaluate"/> on the tiny methods model: the label segmenter as the predictor, its events, and
/// agreement with the segmenter asked directly. Needs the label segmenter (issue 12's label-map work); until that
/// lands it fails with the segmenter's NotImplementedException.
/// </summary>
public sealed class ClipPipelineEvaluationTests
{
    [Fact]
    public void Evaluate_scores_the_methods_with_the_label_segmenter_and_announces_each_image()
    {
        using var folder = new TempFolder();
        var first = Enumerable.Range(0, 40 * 30).Select(i => (byte)(i % 40 < 20 ? 0 : 8)).ToArray();
        var second = Enumerable.Range(0, 40 * 30).Select(i => (byte)(i / 40 < 12 ? 15 : i % 40 < 5 ? 255 : 12)).ToArray();
        BuildVoc(folder.Path, 40, [("2007_000001", first), ("2007_000002", second)]);
        using var explainer = ClipExplainer.Load(Shared.Fixture("methods/clip_vit_tiny_methods_state_dict.pt"), ClipTokenizer.FromFile(Shared.Vocab),
            TorchSharp.torch.CPU, textCacheDir: null, Precision.Fp32, Activation.QuickGelu);
        var events = new List<PipelineEvent>();
        var methods = new[] { DenseMethod.Naclip.Method, DenseMethod.Sclip.Method };

        new ClipPipeline(explainer, ClipTokenizer.FromFile(Shared.Vocab)).Evaluate(
            new EvalRequest(folder.Path, EvalDatasetKind.Voc21, methods, folder["report"]), events.Add, CancellationToken.None);

        Assert.Equal([new EvalProgressed("2007_000001", 1, 2), new EvalProgressed("2007_000002", 2, 2)], events.OfType<EvalProgressed>());
        var finished = Assert.IsType<EvalFinished>(events[^1]);
        Assert.Equal(Path.Combine(folder["report"], EvalReportFile.JsonName), finished.ReportFile);
        Assert.Equal(explainer.ModelSha256, finished.Report.ModelSha256);

        // The same scores from the segmenter asked directly, at the label size, with each method's protocol.
        var segmenter = new LabelSegmenter(explainer);
        var options = methods.Select(m => EvalProtocol.For(m, EvalDatasetKind.Voc21))
            .Select(p => new LabelMethodSettings(p.Method, p.ShortSide, p.Head, p.Threshold, p.Pamr)).ToList();
        var metrics = methods.Select(_ => new SegmentationMetrics(21)).ToList();
        foreach (var sample in EvalDataset.Open(folder.Path, EvalDatasetKind.Voc21).Samples)
        {
            using var image = ImageLoader.Load(sample.ImagePath);
            var labels = sample.ReadLabels();
            var predictions = segmenter.Segment(image, EvalClasses.For(EvalDatasetKind.Voc21), options, false, (labels.Height, labels.Width));
            for (var m = 0; m < methods.Length; m++)
                metrics[m].Add(sample.Id, predictions[m].Prediction, labels.Values);
        }
        for (var m = 0; m < methods.Length; m++)
            Assert.Equal(metrics[m].Compute().ClassIoU, finished.Report.Methods[m].Scores.ClassIoU);
    }

    [Fact]
    public void Evaluate_refuses_a_folder_that_is_not_the_dataset_before_scoring_anything()
    {
        using var folder = new TempFolder();
        using var explainer = ClipExplainer.Load(TinyModels.VitPath, ClipTokenizer.FromFile(Shared.Vocab), new EngineOptions(DevicePreference.Cpu));
        var events = new List<PipelineEvent>();

        var error = Assert.Throws<EngineInputException>(() => new ClipPipeline(explainer, ClipTokenizer.FromFile(Shared.Vocab)).Evaluate(
            new EvalRequest(folder.Path, EvalDatasetKind.Cityscapes, [DenseMethod.Naclip.Method], folder["report"]), events.Add, CancellationToken.None));

        Assert.Contains("no leftImg8bit/val folder", error.Reason);
        Assert.Empty(events);
        Assert.False(Directory.Exists(folder["report"]));
    }
}
