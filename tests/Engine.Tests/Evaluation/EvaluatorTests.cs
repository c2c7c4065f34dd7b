using ClipSurgeryWeb.Engine.Evaluation;
using ClipSurgeryWeb.Engine.Methods;
using ClipSurgeryWeb.Engine.Tests.Support;
using static ClipSurgeryWeb.Engine.Tests.Evaluation.EvalDatasetFiles;

namespace ClipSurgeryWeb.Engine.Tests.Evaluation;

public sealed class EvaluatorTests
{
    private static readonly MapMethod Exact = DenseMethod.Naclip.Method;
    private static readonly MapMethod Shifted = DenseMethod.Sclip.Method;

    // Four 4×3 VOC images: ignore pixels, several classes, one class (7) only ever predicted by the shifted method.
    private static readonly (string Id, byte[] Labels)[] Samples =
    [
        ("2008_000001", First),
        ("2008_000002", Second),
        ("2008_000003", [0, 0, 1, 1, 1, 255, 3, 3, 0, 15, 15, 15]),
        ("2008_000004", [20, 20, 20, 0, 0, 0, 255, 255, 9, 9, 9, 9]),
    ];

    // The "shifted" method's answer: label + 1 on every other pixel (7 where the label is ignored), so its scores are not trivial.
    private static byte[] ShiftedPrediction(byte[] labels) =>
        labels.Select((v, i) => v == 255 ? (byte)7 : i % 2 == 0 ? v : (byte)((v + 1) % 21)).ToArray();

    private sealed class Counting
    {
        public List<string> Asked { get; } = [];

        public IReadOnlyList<byte[]> Predict(SixLabors.ImageSharp.Image<SixLabors.ImageSharp.PixelFormats.Rgb24> image, EvalSample sample, int height, int width, CancellationToken ct)
        {
            Asked.Add(sample.Id);
            var labels = sample.ReadLabels();
            Assert.Equal((labels.Height, labels.Width), (height, width));
            var exact = labels.Values.Select(v => v == 255 ? (byte)0 : v).ToArray();
            return [exact, ShiftedPrediction(labels.Values)];
        }
    }

    private static EvalRequest Request(string dataset, string report, int? limit = null, bool restart = false) =>
        new(dataset, EvalDatasetKind.Voc21, [Exact, Shifted], report, limit, Restart: restart);

    [Fact]
    public void Predictions_equal_to_the_labels_score_100_and_the_other_method_as_a_confusion_matrix_by_hand_says()
    {
        using var folder = new TempFolder();
        BuildVoc(folder.Path, 4, Samples);
        var predictor = new Counting();

        var report = new Evaluator(predictor.Predict, "tiny.pt", "abc", null).Run(Request(folder.Path, folder["report"]), null, CancellationToken.None);

        Assert.Equal(4, report.Images);
        Assert.Equal(100.0, report.Methods[0].Scores.MeanIoU * 100);
        Assert.Equal(100.0, report.Methods[0].Scores.AllAccuracy * 100);
        Assert.Equal(100.0, report.Methods[0].Scores.MeanAccuracy * 100);

        // Independent calculation: a 21×21 confusion matrix over the non-ignored pixels of all images.
        var confusion = new long[21, 21];
        foreach (var (_, labels) in Samples)
        {
            var prediction = ShiftedPrediction(labels);
            for (var i = 0; i < labels.Length; i++)
                if (labels[i] != 255)
                    confusion[labels[i], prediction[i]]++;
        }
        var ious = new List<double>();
        var accs = new List<double>();
        long diagonal = 0, total = 0;
        var scores = report.Methods[1].Scores;
        for (var c = 0; c < 21; c++)
        {
            long row = 0, column = 0;
            for (var k = 0; k < 21; k++)
            {
                row += confusion[c, k];
                column += confusion[k, c];
            }
            diagonal += confusion[c, c];
            total += row;
            var union = row + column - confusion[c, c];
            if (union == 0)
            {
                Assert.True(double.IsNaN(scores.ClassIoU[c]), $"class {c} is absent and must be NaN");
                continue;
            }
            ious.Add((double)confusion[c, c] / union);
            Assert.Equal((double)confusion[c, c] / union, scores.ClassIoU[c], 12);
            if (row > 0)
                accs.Add((double)confusion[c, c] / row);
        }
        Assert.Equal(ious.Average(), scores.MeanIoU, 12);
        Assert.Equal(accs.Average(), scores.MeanAccuracy, 12);
        Assert.Equal((double)diagonal / total, scores.AllAccuracy, 12);
        Assert.InRange(scores.MeanIoU, 0.05, 0.95);
        Assert.Equal(["2008_000001", "2008_000002", "2008_000003", "2008_000004"], predictor.Asked);
    }

    [Fact]
    public void A_cancelled_eval_continues_where_it_stopped_and_reports_as_an_uninterrupted_one()
    {
        using var folder = new TempFolder();
        BuildVoc(folder.Path, 4, Samples);
        var whole = new Evaluator(new Counting().Predict, "tiny.pt", "abc", null).Run(Request(folder.Path, folder["whole"]), null, CancellationToken.None);

        using var cts = new CancellationTokenSource();
        var first = new Counting();
        var progress = new List<(string, int, int)>();
        Assert.ThrowsAny<OperationCanceledException>(() => new Evaluator(first.Predict, "tiny.pt", "abc", null).Run(Request(folder.Path, folder["resumed"]),
            (sample, done, total) =>
            {
                progress.Add((sample.Id, done, total));
                if (done == 2)
                    cts.Cancel();
            }, cts.Token));
        Assert.Equal(["2008_000001", "2008_000002"], first.Asked);
        Assert.False(File.Exists(Path.Combine(folder["resumed"], EvalReportFile.JsonName)));

        var second = new Counting();
        progress.Clear();
        var resumed = new Evaluator(second.Predict, "tiny.pt", "abc", null).Run(Request(folder.Path, folder["resumed"]),
            (sample, done, total) => progress.Add((sample.Id, done, total)), CancellationToken.None);

        Assert.Equal(["2008_000003", "2008_000004"], second.Asked);
        Assert.Equal([("2008_000003", 3, 4), ("2008_000004", 4, 4)], progress);
        Assert.Equal(Comparable(whole), Comparable(resumed));
        Assert.Equal(Comparable(whole), Comparable(EvalReportFile.Read(folder["resumed"])));
    }

    [Fact]
    public void A_finished_eval_run_again_only_rewrites_its_report()
    {
        using var folder = new TempFolder();
        BuildVoc(folder.Path, 4, Samples);
        var first = new Evaluator(new Counting().Predict, "tiny.pt", "abc", null).Run(Request(folder.Path, folder["report"]), null, CancellationToken.None);
        var again = new Counting();

        var second = new Evaluator(again.Predict, "tiny.pt", "abc", null).Run(Request(folder.Path, folder["report"]), null, CancellationToken.None);

        Assert.Empty(again.Asked);
        Assert.Equal(Comparable(first), Comparable(second));
    }

    [Fact]
    public void A_report_folder_holding_another_evals_state_is_refused_unless_restarted()
    {
        using var folder = new TempFolder();
        BuildVoc(folder.Path, 4, Samples);
        new Evaluator(new Counting().Predict, "tiny.pt", "abc", null).Run(Request(folder.Path, folder["report"], limit: 1), null, CancellationToken.None);

        var error = Assert.Throws<EngineInputException>(() =>
            new Evaluator(new Counting().Predict, "tiny.pt", "abc", null).Run(Request(folder.Path, folder["report"], limit: 2), null, CancellationToken.None));
        Assert.Equal(folder["report"], error.Subject);
        Assert.Contains("another eval", error.Reason);
        Assert.Contains("(1 images)", error.Reason);
        Assert.Contains("(2 images)", error.Reason);

        var other = Assert.Throws<EngineInputException>(() =>
            new Evaluator(new Counting().Predict, "other.pt", "def", null).Run(Request(folder.Path, folder["report"], limit: 1), null, CancellationToken.None));
        Assert.Contains("model other.pt", other.Reason);

        var restarted = new Counting();
        var report = new Evaluator(restarted.Predict, "tiny.pt", "abc", null).Run(Request(folder.Path, folder["report"], limit: 2, restart: true), null, CancellationToken.None);
        Assert.Equal(["2008_000001", "2008_000002"], restarted.Asked);
        Assert.Equal(2, report.Images);
        Assert.Equal(4, report.DatasetImages);
        Assert.Equal(2, report.Limit);
    }

    [Fact]
    public void The_markdown_report_gives_mmseg_style_percentages_class_names_and_settings()
    {
        using var folder = new TempFolder();
        BuildVoc(folder.Path, 4, Samples);

        var report = new Evaluator(new Counting().Predict, "tiny.pt", "abc", null).Run(Request(folder.Path, folder["report"]), null, CancellationToken.None);

        var markdown = File.ReadAllText(Path.Combine(folder["report"], EvalReportFile.MarkdownName));
        Assert.Contains("| naclip | 100.00 | 100.00 | 100.00 |", markdown);
        Assert.Contains($"| sclip | {EvalReportFile.Percent(report.Methods[1].Scores.MeanIoU)} |", markdown);
        Assert.Contains("| sky | 100.00 | ", markdown);   // class 0 by its first name
        Assert.Contains("| bicycle | nan | ", markdown);   // absent from labels and both predictions
        // Short side and probability threshold are each method's protocol's now (NACLIP's and SCLIP's cfg_voc21.py: 336, 0.1).
        Assert.Contains("- Short side: each method's own (below)", markdown);
        Assert.Contains("| naclip | sinahmr/NACLIP configs/cfg_voc21.py | 336 | whole image | 40 | 0.1 | — | on |", markdown);
        Assert.Contains("| sclip | wangf3014/SCLIP configs/cfg_voc21.py | 336 | slide 224/112 | 65 | 0.1 | 0.1 | off |", markdown);
        Assert.Contains("- Model: tiny.pt (SHA-256 abc)", markdown);
        Assert.Equal(21, report.ClassNames.Count);
    }

    [Theory]
    [InlineData(0.123456, "12.35")]
    [InlineData(0.5, "50.00")]
    [InlineData(1.0, "100.00")]
    [InlineData(double.NaN, "nan")]
    public void Percentages_are_rounded_to_two_decimals_as_mmseg_prints_them(double value, string expected) =>
        Assert.Equal(expected, EvalReportFile.Percent(value));

    [Fact]
    public void A_label_map_of_another_size_than_its_image_is_named()
    {
        using var folder = new TempFolder();
        var voc = BuildVoc(folder.Path, 4, Samples);
        Image(voc, "JPEGImages/2008_000002.jpg", 5, 3);

        var error = Assert.Throws<EngineInputException>(() =>
            new Evaluator(new Counting().Predict, "tiny.pt", null, null).Run(Request(folder.Path, folder["report"]), null, CancellationToken.None));

        Assert.Equal(Path.Combine(voc, "SegmentationClass", "2008_000002.png"), error.Subject);
        Assert.Contains("4×3", error.Reason);
        Assert.Contains("5×3", error.Reason);
    }

    // The report without its timestamps, as text (NaN per-class scores compare equal as text).
    private static string Comparable(EvalReport report) =>
        EvalReportFile.Serialize(report with { Started = default, Finished = default });
}
