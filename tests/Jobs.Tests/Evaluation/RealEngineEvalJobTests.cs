using ClipSurgeryWeb.Data;
using ClipSurgeryWeb.Engine.Evaluation;
using ClipSurgeryWeb.Engine.Explaining;
using ClipSurgeryWeb.Engine.Hosting;
using ClipSurgeryWeb.Engine.Imaging;
using ClipSurgeryWeb.Engine.Labelling;
using ClipSurgeryWeb.Engine.Methods;
using ClipSurgeryWeb.Engine.Tests.Evaluation;
using ClipSurgeryWeb.Engine.Tests.Support;
using ClipSurgeryWeb.Engine.Tokenization;
using ClipSurgeryWeb.Hosting.Live;
using ClipSurgeryWeb.Jobs.Engine;
using ClipSurgeryWeb.Jobs.Evaluation;
using ClipSurgeryWeb.Jobs.Running;
using ClipSurgeryWeb.Jobs.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace ClipSurgeryWeb.Jobs.Tests.Evaluation;

/// <summary>
/// An eval on the real engine (the tiny ViT fixture), as the Evaluate page starts one: an admin's request through the
/// launcher, <see cref="EvalJob"/> over a tiny VOC2012 folder built here under the datasets root (palette label PNGs
/// with ignore pixels, a split file), the report stored on the run. Its per-class IoU is checked against a confusion
/// matrix counted here from the labels as written and the label segmenter's own predictions for the images; a job
/// stopped by a shutdown after its first image and run again ends with the report an uninterrupted eval gives.
/// </summary>
/// <remarks>
/// VOC20 (VOC without its background: label 0 is ignored, the others shift down by one) with CLIP (dense) and SCLIP:
/// on this benchmark no method's config overrides the shared test settings, so the segmenter asked with the report's
/// short side and threshold is the eval's predictor. Should evals take per-method settings here, the direct predictor
/// below must take them too.
/// </remarks>
public sealed class RealEngineEvalJobTests : IAsyncLifetime
{
    private const string Vit = "clip_vit_tiny_jit";
    private const EvalDatasetKind Kind = EvalDatasetKind.Voc20;

    private static readonly MapMethod[] Methods = [DenseMethod.ClipDense.Method, DenseMethod.Sclip.Method];

    private readonly JobsHost _host;
    private readonly Requester _admin = new("admin-1", "admin@example.com", IsAdmin: true);
    private readonly string _datasets;
    private readonly List<(string Id, string Image, int Width, byte[] Labels)> _samples = [];

    public RealEngineEvalJobTests()
    {
        var engineFolder = Directory.CreateTempSubdirectory("real-eval-engine-").FullName;
        _host = new JobsHost(new EngineClipEngine(new EngineClipEngineSettings(engineFolder, Shared.Vocab, DevicePreference.Cpu)));
        File.Copy(Shared.Fixture("clip_vit_tiny_jit.pt"), Path.Combine(_host.ModelsDir, Vit + ".pt"));
        _datasets = Directory.CreateDirectory(Path.Combine(_host.Root, "data", "datasets")).FullName;
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        ((IDisposable)_host.Engine).Dispose();
    }

    /// <summary>
    /// &lt;datasets&gt;/tiny-voc/VOCdevkit/VOC2012 with three images listed in val.txt: demo.jpg (500×375) labelled with a
    /// person, a chair and background, and two generated pictures (64×48 with a dog, a cat and a person; 48×64 with a cat); every label map has a
    /// border of ignore pixels (255) and raw VOC ids as a VOC SegmentationClass PNG holds them.
    /// </summary>
    private string BuildDataset()
    {
        var voc = Path.Combine(_datasets, "tiny-voc", "VOCdevkit", "VOC2012");
        byte[] Labels(int width, int height, Func<int, int, byte> at) =>
            Enumerable.Range(0, width * height).Select(i =>
            {
                int x = i % width, y = i / width;
                return x < 3 || y < 3 || x >= width - 3 || y >= height - 3 ? (byte)255 : at(x, y);
            }).ToArray();
        var demo = Labels(500, 375, (x, y) => x < 180 ? (byte)15 : y > 250 ? (byte)9 : (byte)0);
        var dog = Labels(64, 48, (x, y) => y < 20 ? (byte)12 : x < 32 ? (byte)8 : (byte)15);
        Directory.CreateDirectory(Path.Combine(voc, "JPEGImages"));
        File.Copy(Shared.Image("demo.jpg"), Path.Combine(voc, "JPEGImages", "2007_000001.jpg"));
        EvalDatasetFiles.Image(voc, "JPEGImages/2007_000002.jpg", 64, 48);
        EvalDatasetFiles.Image(voc, "JPEGImages/2008_000003.jpg", 48, 64);
        // The third image is 48 wide, 64 high: its labels turned the same way.
        var tall = Labels(48, 64, (x, y) => y < 40 ? (byte)8 : (byte)0);
        foreach (var (id, labels, width) in new[] { ("2007_000001", demo, 500), ("2007_000002", dog, 64), ("2008_000003", tall, 48) })
        {
            EvalDatasetFiles.Palette(voc, $"SegmentationClass/{id}.png", labels, width);
            _samples.Add((id, Path.Combine(voc, "JPEGImages", id + ".jpg"), width, labels));
        }
        EvalDatasetFiles.TextFile(voc, "ImageSets/Segmentation/val.txt", string.Concat(_samples.Select(s => s.Id + "\n")));
        return "tiny-voc";
    }

    private Task<JobRun> StartAsync(string folder) =>
        _host.With(sp => sp.GetRequiredService<JobLauncher>().StartEvalAsync(_admin, folder, Kind, Vit, Methods));

    private Task RunAsync(Guid runId, CancellationToken ct = default) =>
        _host.With(async sp => { await sp.GetRequiredService<EvalJob>().RunAsync(runId, ct); return 0; });

    [Fact]
    public async Task An_admins_eval_scores_both_methods_as_a_confusion_matrix_of_the_segmenters_predictions_says()
    {
        var folder = BuildDataset();
        var run = await StartAsync(folder);

        await RunAsync(run.Id);

        var done = await _host.LoadRunAsync(run.Id);
        Assert.True(done.Status == JobRunStatus.Succeeded, $"the eval is {done.Status}: {done.Error}");
        Assert.Equal((3, 3), (done.ItemsDone, done.ItemsTotal));
        var report = EvalReportJson.Read(done.ReportJson);
        Assert.NotNull(report);
        Assert.Equal(Methods, report.Methods.Select(m => m.Method));
        Assert.Equal((Kind, 3, 3, Vit + ".pt"), (report.Dataset, report.Images, report.DatasetImages, report.Model));
        Assert.Equal(EvalDataset.ClassCountOf(Kind), report.ClassNames.Count);
        foreach (var method in report.Methods)
        {
            Assert.True(double.IsFinite(method.Scores.MeanIoU) && method.Scores.MeanIoU is >= 0 and <= 1, $"{method.Method.Name}: mIoU {method.Scores.MeanIoU}");
            Assert.True(double.IsFinite(method.Scores.AllAccuracy) && method.Scores.AllAccuracy is >= 0 and <= 1, $"{method.Method.Name}: aAcc {method.Scores.AllAccuracy}");
        }

        // The same images through the label segmenter directly, counted into a confusion matrix by hand.
        var classes = EvalDataset.ClassCountOf(Kind);
        using var explainer = ClipExplainer.Load(Shared.Fixture("clip_vit_tiny_jit.pt"), ClipTokenizer.FromFile(Shared.Vocab), new EngineOptions(DevicePreference.Cpu));
        var segmenter = new LabelSegmenter(explainer);
        // Each method under its own code's protocol on this set (EvalProtocol), as the eval runs it when no override is asked.
        Assert.Null(report.ShortSide);   // no override asked
        Assert.Null(report.Pamr);
        var settings = Methods.Select(m => EvalProtocol.For(m, Kind))
            .Select(p => new LabelMethodSettings(p.Method, p.ShortSide, p.Head, p.Threshold, p.Pamr)).ToList();
        var confusion = Methods.Select(_ => new long[classes, classes]).ToList();
        foreach (var (_, image, width, raw) in _samples)
        {
            // VOC20's labels: background (0) and ignore (255) are ignored, the others are one lower.
            var labels = raw.Select(v => v is 0 or 255 ? 255 : v - 1).ToArray();
            using var picture = ImageLoader.Load(image);
            var predictions = segmenter.Segment(picture, EvalClasses.For(Kind), settings, probabilities: false, outputSize: (raw.Length / width, width));
            for (var m = 0; m < Methods.Length; m++)
            {
                for (var i = 0; i < labels.Length; i++)
                {
                    if (labels[i] != 255)
                        confusion[m][labels[i], predictions[m].Prediction[i]]++;
                }
            }
        }
        for (var m = 0; m < Methods.Length; m++)
        {
            var expected = Enumerable.Range(0, classes).Select(c =>
            {
                long hit = confusion[m][c, c], labelled = 0, predicted = 0;
                for (var k = 0; k < classes; k++)
                {
                    labelled += confusion[m][c, k];
                    predicted += confusion[m][k, c];
                }
                var union = labelled + predicted - hit;
                return union == 0 ? double.NaN : (double)hit / union;
            }).ToArray();
            var scores = report.Methods[m].Scores;
            Assert.Equal(expected, scores.ClassIoU.ToArray(), (a, b) => double.IsNaN(a) ? double.IsNaN(b) : Math.Abs(a - b) < 1e-12);
            Assert.Equal(expected.Where(double.IsFinite).Average(), scores.MeanIoU, 12);
            long all = 0, right = 0;
            for (var c = 0; c < classes; c++)
            {
                right += confusion[m][c, c];
                for (var k = 0; k < classes; k++)
                    all += confusion[m][c, k];
            }
            Assert.Equal((double)right / all, scores.AllAccuracy, 12);
        }
    }

    [Fact]
    public async Task An_eval_stopped_by_a_shutdown_after_its_first_image_and_run_again_gives_the_uninterrupted_report()
    {
        var folder = BuildDataset();
        var whole = await StartAsync(folder);
        await RunAsync(whole.Id);
        var uninterrupted = EvalReportJson.Read((await _host.LoadRunAsync(whole.Id)).ReportJson);
        Assert.NotNull(uninterrupted);

        var run = await StartAsync(folder);
        using var shutdown = new CancellationTokenSource();
        _host.Events.Published = e =>
        {
            if (e.RunId == run.Id && e.Kind == JobEventKind.RunChanged && e.Overall is > 0 and < 1)
                shutdown.Cancel();
        };
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => RunAsync(run.Id, shutdown.Token));
        _host.Events.Published = null;
        var stopped = await _host.LoadRunAsync(run.Id);
        Assert.Equal((JobRunStatus.Running, 1, 3), (stopped.Status, stopped.ItemsDone, stopped.ItemsTotal));
        Assert.Null(stopped.ReportJson);

        await RunAsync(run.Id);

        var resumed = await _host.LoadRunAsync(run.Id);
        Assert.True(resumed.Status == JobRunStatus.Succeeded, $"the eval is {resumed.Status}: {resumed.Error}");
        Assert.Equal((3, 3), (resumed.ItemsDone, resumed.ItemsTotal));
        var report = EvalReportJson.Read(resumed.ReportJson);
        Assert.NotNull(report);
        Assert.Equal(uninterrupted.Images, report.Images);
        Assert.Equal(uninterrupted.ClassNames, report.ClassNames);
        Assert.Equal(uninterrupted.Methods.Select(m => m.Method), report.Methods.Select(m => m.Method));
        for (var m = 0; m < report.Methods.Count; m++)
        {
            var (a, b) = (uninterrupted.Methods[m].Scores, report.Methods[m].Scores);
            Assert.Equal((a.AllAccuracy, a.MeanIoU, a.MeanAccuracy), (b.AllAccuracy, b.MeanIoU, b.MeanAccuracy));
            Assert.Equal(a.ClassIoU, b.ClassIoU);
            Assert.Equal(a.ClassAccuracy, b.ClassAccuracy);
        }
    }
}
