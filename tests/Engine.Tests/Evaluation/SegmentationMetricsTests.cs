using ClipSurgeryWeb.Engine.Evaluation;

namespace ClipSurgeryWeb.Engine.Tests.Evaluation;

public sealed class SegmentationMetricsTests
{
    [Fact]
    public void Summed_areas_and_scores_match_a_confusion_matrix_counted_by_hand()
    {
        const int classes = 5;
        var random = new Random(12);
        var metrics = new SegmentationMetrics(classes);
        // confusion[label, prediction] over non-ignored pixels, with one extra row and column (index `classes`) for
        // values outside [0, classes): mmseg's histc drops those values but not the pixel, so a stray label still
        // lets its pixel's prediction count as predicted area.
        var confusion = new long[classes + 1, classes + 1];
        for (var image = 0; image < 4; image++)
        {
            var size = 12 + image * 5;
            var labels = new byte[size * size];
            var prediction = new byte[size * size];
            for (var i = 0; i < labels.Length; i++)
            {
                var r = random.Next(20);
                labels[i] = r switch { 0 or 1 => 255, 2 => 7, _ => (byte)random.Next(classes) };
                prediction[i] = random.Next(15) == 0 ? (byte)9 : (byte)random.Next(classes);
            }
            metrics.Add($"image {image}", prediction, labels);
            for (var i = 0; i < labels.Length; i++)
            {
                if (labels[i] == 255)
                    continue;
                confusion[Math.Min((int)labels[i], classes), Math.Min((int)prediction[i], classes)]++;
            }
        }

        long diagonal = 0, labelled = 0;
        var iou = new double[classes];
        var acc = new double[classes];
        for (var c = 0; c < classes; c++)
        {
            long row = 0, column = 0;
            for (var k = 0; k <= classes; k++)
            {
                row += confusion[c, k];
                column += confusion[k, c];
            }
            var tp = confusion[c, c];
            Assert.Equal(tp, metrics.Totals.Intersect[c]);
            Assert.Equal(row, metrics.Totals.Label[c]);
            Assert.Equal(column, metrics.Totals.Predicted[c]);
            Assert.Equal(row + column - tp, metrics.Totals.Union[c]);
            iou[c] = (double)tp / (row + column - tp);
            acc[c] = (double)tp / row;
            diagonal += tp;
            labelled += row;
        }

        var scores = metrics.Compute();
        Assert.Equal(4, metrics.Images);
        Assert.Equal(iou, scores.ClassIoU);
        Assert.Equal(acc, scores.ClassAccuracy);
        Assert.Equal(iou.Sum() / classes, scores.MeanIoU, 12);
        Assert.Equal(acc.Sum() / classes, scores.MeanAccuracy, 12);
        Assert.Equal((double)diagonal / labelled, scores.AllAccuracy);
        // The random maps exercise every case: each class has hits, misses and stray-label pixels.
        Assert.All(Enumerable.Range(0, classes), c => Assert.True(confusion[c, c] > 0 && confusion[classes, c] > 0 && confusion[c, classes] > 0));
    }

    [Fact]
    public void Predictions_equal_to_the_labels_score_100()
    {
        var labels = new byte[] { 0, 1, 2, 255, 2, 1, 1, 0, 255 };
        var metrics = new SegmentationMetrics(3);
        metrics.Add("a", labels, labels);
        metrics.Add("b", labels.AsSpan(0, 4), labels.AsSpan(0, 4));

        var scores = metrics.Compute();

        Assert.Equal(100.0, scores.MeanIoU * 100);
        Assert.Equal(100.0, scores.AllAccuracy * 100);
        Assert.Equal(100.0, scores.MeanAccuracy * 100);
    }

    [Fact]
    public void A_class_absent_from_labels_and_predictions_is_left_out_of_the_means()
    {
        // Class 2 never appears: union 0, IoU 0/0 = NaN, skipped by nanmean.
        var metrics = new SegmentationMetrics(3);
        metrics.Add("a", [0, 0, 1, 1], [0, 1, 1, 1]);

        var scores = metrics.Compute();

        Assert.True(double.IsNaN(scores.ClassIoU[2]));
        Assert.True(double.IsNaN(scores.ClassAccuracy[2]));
        Assert.Equal(0.5, scores.ClassIoU[0]);        // 1 / (2 + 1 − 1)
        Assert.Equal(2.0 / 3, scores.ClassIoU[1]);    // 2 / (2 + 3 − 2)
        Assert.Equal((0.5 + 2.0 / 3) / 2, scores.MeanIoU, 15);
        Assert.Equal((1.0 + 2.0 / 3) / 2, scores.MeanAccuracy, 15);
        Assert.Equal(0.75, scores.AllAccuracy);
    }

    [Fact]
    public void A_class_only_predicted_has_IoU_0_and_counts_in_mIoU()
    {
        // mmseg: iou = intersect / union with union = pred + label − intersect, so a class predicted on 1 pixel but
        // never labelled has union 1, IoU 0/1 = 0 (not NaN), and np.nanmean keeps it; its Acc is 0/0 = NaN and drops
        // out of mAcc (total_area_to_metrics in mmseg/evaluation/metrics/iou_metric.py).
        var metrics = new SegmentationMetrics(3);
        metrics.Add("a", [0, 0, 1, 2], [0, 0, 1, 1]);

        var scores = metrics.Compute();

        Assert.Equal(0.0, scores.ClassIoU[2]);
        Assert.True(double.IsNaN(scores.ClassAccuracy[2]));
        Assert.Equal((1.0 + 0.5 + 0.0) / 3, scores.MeanIoU, 15);
        Assert.Equal((1.0 + 0.5) / 2, scores.MeanAccuracy, 15);
    }

    [Fact]
    public void Ignored_label_pixels_do_not_count_the_prediction_there()
    {
        var metrics = new SegmentationMetrics(2);
        metrics.Add("a", [1, 1, 0], [255, 255, 0]);

        Assert.Equal([1L, 0L], metrics.Totals.Predicted);
        Assert.Equal([1L, 0L], metrics.Totals.Union);
        Assert.Equal(1.0, metrics.Compute().MeanIoU);
    }

    [Fact]
    public void Maps_of_different_sizes_are_rejected_naming_the_image_and_both_sizes()
    {
        var metrics = new SegmentationMetrics(2);

        var error = Assert.Throws<EngineInputException>(() => metrics.Add("2007_000033", new byte[6], new byte[4]));

        Assert.Equal("2007_000033", error.Subject);
        Assert.Contains("6", error.Reason);
        Assert.Contains("4", error.Reason);
        Assert.Equal(0, metrics.Images);
    }

    [Fact]
    public void Restored_totals_continue_the_same_sums()
    {
        var whole = new SegmentationMetrics(3);
        whole.Add("a", [0, 1, 2, 2], [0, 1, 1, 2]);
        whole.Add("b", [2, 2, 0, 1], [2, 0, 0, 255]);

        var first = new SegmentationMetrics(3);
        first.Add("a", [0, 1, 2, 2], [0, 1, 1, 2]);
        var resumed = new SegmentationMetrics(first.Totals, first.Images);
        resumed.Add("b", [2, 2, 0, 1], [2, 0, 0, 255]);

        Assert.Equal(2, resumed.Images);
        Assert.Equal(whole.Compute().ClassIoU, resumed.Compute().ClassIoU);
        Assert.Equal(whole.Totals.Union, resumed.Totals.Union);
        Assert.Equal([1L, 2L, 1L], first.Totals.Label);   // the resumed copy did not change the saved totals
    }
}
