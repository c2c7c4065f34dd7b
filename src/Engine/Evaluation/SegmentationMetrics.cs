namespace ClipSurgeryWeb.Engine.Evaluation;

/// <summary>
/// Accumulates a dataset's predictions the way mmseg's <c>IoUMetric</c> does (mmseg/evaluation/metrics/iou_metric.py):
/// per image, per-class intersection/union/predicted/label areas (<see cref="ClassAreas.Measure"/>), summed over all
/// images, and only then turned into IoU and accuracy (<see cref="Compute"/>). Summing areas first is what makes a
/// dataset's mIoU differ from the mean of per-image mIoUs, so the order matters for matching published figures.
/// </summary>
public sealed class SegmentationMetrics
{
    /// <summary>Starts empty for <paramref name="classCount"/> classes; label pixels equal to <paramref name="ignoreIndex"/> are skipped.</summary>
    public SegmentationMetrics(int classCount, int ignoreIndex = 255)
    {
        Totals = new ClassAreas(classCount);
        IgnoreIndex = ignoreIndex;
    }

    /// <summary>Continues from saved totals of <paramref name="images"/> images (a resumed eval).</summary>
    public SegmentationMetrics(ClassAreas totals, int images, int ignoreIndex = 255)
    {
        Totals = new ClassAreas(totals.Intersect, totals.Union, totals.Predicted, totals.Label);
        Images = images;
        IgnoreIndex = ignoreIndex;
    }

    public int ClassCount => Totals.ClassCount;

    public int IgnoreIndex { get; }

    /// <summary>How many images have been added.</summary>
    public int Images { get; private set; }

    /// <summary>The summed areas so far (live: it changes as images are added).</summary>
    public ClassAreas Totals { get; }

    /// <summary>Measures one image and adds it; returns its own areas (for a per-image record).</summary>
    /// <param name="image">Names the image in errors.</param>
    /// <param name="prediction">Class ids, row-major, same size as <paramref name="labels"/>.</param>
    /// <param name="labels">Label ids after the dataset's label transform (ignore index included).</param>
    public ClassAreas Add(string image, ReadOnlySpan<byte> prediction, ReadOnlySpan<byte> labels)
    {
        var areas = ClassAreas.Measure(image, ClassCount, prediction, labels, IgnoreIndex);
        Totals.Add(areas);
        Images++;
        return areas;
    }

    /// <summary>
    /// <c>total_area_to_metrics</c> with <c>metrics=['mIoU']</c> and no <c>nan_to_num</c>, then the summary's nanmean:
    /// IoU = intersect/union and Acc = intersect/label per class (0/0 → NaN, so a class absent from both labels and
    /// predictions drops out of mIoU, while a class only ever predicted has IoU 0 and pulls mIoU down);
    /// aAcc = Σ intersect / Σ label.
    /// </summary>
    public SegmentationScores Compute()
    {
        var iou = new double[ClassCount];
        var acc = new double[ClassCount];
        long intersect = 0, label = 0;
        for (var c = 0; c < ClassCount; c++)
        {
            iou[c] = Divide(Totals.Intersect[c], Totals.Union[c]);
            acc[c] = Divide(Totals.Intersect[c], Totals.Label[c]);
            intersect += Totals.Intersect[c];
            label += Totals.Label[c];
        }
        return new SegmentationScores(Divide(intersect, label), NanMean(iou), NanMean(acc), iou, acc);
    }

    // numpy's float division: 0/0 is NaN (never an exception).
    private static double Divide(long numerator, long denominator) => (double)numerator / denominator;

    // np.nanmean: the mean of the non-NaN values, NaN when there are none.
    private static double NanMean(double[] values)
    {
        double sum = 0;
        var count = 0;
        foreach (var v in values)
        {
            if (double.IsNaN(v))
                continue;
            sum += v;
            count++;
        }
        return count == 0 ? double.NaN : sum / count;
    }
}
