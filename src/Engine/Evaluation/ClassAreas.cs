namespace ClipSurgeryWeb.Engine.Evaluation;

/// <summary>
/// Per-class pixel counts of one image or of a whole dataset, as mmseg's <c>IoUMetric.intersect_and_union</c>
/// returns them (mmseg/evaluation/metrics/iou_metric.py): intersection, union, predicted area and label area.
/// Counts are exact integers (mmseg's <c>torch.histc</c> counts in float32, which only differs once a class's
/// total passes 2^24 pixels — then ours is the exact value mmseg rounds).
/// Kept as its own type so a resumable eval can store per-image or running totals and add them back.
/// </summary>
public sealed class ClassAreas
{
    private readonly long[] intersect;
    private readonly long[] union;
    private readonly long[] predicted;
    private readonly long[] label;

    /// <summary>All-zero counts for <paramref name="classCount"/> classes.</summary>
    public ClassAreas(int classCount)
    {
        if (classCount < 1)
            throw new EngineInputException("classes", $"an evaluation needs at least one class, not {classCount}");
        intersect = new long[classCount];
        union = new long[classCount];
        predicted = new long[classCount];
        label = new long[classCount];
    }

    /// <summary>Counts restored from a saved report (same meaning as the properties); all four have one entry per class.</summary>
    public ClassAreas(IReadOnlyList<long> intersect, IReadOnlyList<long> union, IReadOnlyList<long> predicted, IReadOnlyList<long> label)
        : this(intersect.Count)
    {
        if (union.Count != intersect.Count || predicted.Count != intersect.Count || label.Count != intersect.Count)
            throw new EngineInputException("class areas",
                $"intersection, union, predicted and label counts must have one entry per class; got {intersect.Count}, {union.Count}, {predicted.Count} and {label.Count}");
        for (var c = 0; c < intersect.Count; c++)
        {
            this.intersect[c] = intersect[c];
            this.union[c] = union[c];
            this.predicted[c] = predicted[c];
            this.label[c] = label[c];
        }
    }

    public int ClassCount => intersect.Length;

    /// <summary>Pixels (not ignored) where prediction and label are both this class.</summary>
    public IReadOnlyList<long> Intersect => intersect;

    /// <summary>Predicted + label − intersect, per class (mmseg's <c>area_union</c>).</summary>
    public IReadOnlyList<long> Union => union;

    /// <summary>Pixels (not ignored by the label) predicted as this class.</summary>
    public IReadOnlyList<long> Predicted => predicted;

    /// <summary>Pixels labelled as this class.</summary>
    public IReadOnlyList<long> Label => label;

    /// <summary>
    /// mmseg's <c>intersect_and_union</c> for one image. Mirrors it exactly: pixels whose label is
    /// <paramref name="ignoreIndex"/> are dropped from both maps; of the rest, a value is counted only if it lies in
    /// [0, classes) (<c>histc(bins=classes, min=0, max=classes−1)</c> drops values outside that range). So a label
    /// outside the range that is not the ignore index still lets the prediction at that pixel count in its predicted
    /// area (and union), as in mmseg — only the ignore index masks a pixel.
    /// </summary>
    /// <param name="image">Names the image in the error when the maps differ in size.</param>
    public static ClassAreas Measure(string image, int classCount, ReadOnlySpan<byte> prediction, ReadOnlySpan<byte> labels, int ignoreIndex = 255)
    {
        if (prediction.Length != labels.Length)
            throw new EngineInputException(image,
                $"the prediction has {prediction.Length} pixels but the label map has {labels.Length}; they must be the same size");
        var areas = new ClassAreas(classCount);
        for (var i = 0; i < labels.Length; i++)
        {
            int l = labels[i];
            if (l == ignoreIndex)
                continue;
            int p = prediction[i];
            if (p < classCount)
                areas.predicted[p]++;
            if (l < classCount)
            {
                areas.label[l]++;
                if (p == l)
                    areas.intersect[l]++;
            }
        }
        for (var c = 0; c < classCount; c++)
            areas.union[c] = areas.predicted[c] + areas.label[c] - areas.intersect[c];
        return areas;
    }

    /// <summary>Adds <paramref name="other"/>'s counts into these (mmseg sums the per-image results over the dataset).</summary>
    public void Add(ClassAreas other)
    {
        if (other.ClassCount != ClassCount)
            throw new EngineInputException("class areas", $"cannot add counts of {other.ClassCount} classes to counts of {ClassCount}");
        for (var c = 0; c < ClassCount; c++)
        {
            intersect[c] += other.intersect[c];
            union[c] += other.union[c];
            predicted[c] += other.predicted[c];
            label[c] += other.label[c];
        }
    }
}
