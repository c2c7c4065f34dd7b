namespace ClipSurgeryWeb.Engine.Evaluation;

/// <summary>One image of a benchmark and where its labels are; the labels are read only when asked for.</summary>
/// <param name="Id">The image's name within the dataset (split-file line or path relative to the image folder, without suffix).</param>
/// <param name="ReduceZeroLabel">Whether labels go through mmseg's reduce-zero-label step when read.</param>
public sealed record EvalSample(string Id, string ImagePath, string LabelPath, bool ReduceZeroLabel)
{
    /// <summary>The label map as the metric wants it: the PNG's ids, reduced if the dataset says so.</summary>
    public LabelMap ReadLabels()
    {
        var map = LabelPng.Read(LabelPath);
        if (ReduceZeroLabel)
            ReduceZero(map.Values);
        return map;
    }

    /// <summary>
    /// mmseg's <c>LoadAnnotations</c> with <c>reduce_zero_label</c> (on uint8): 0 → 255, then every value − 1, and
    /// 254 (what 255 became) back to 255 — so label 0 ("other"/background) is ignored, the ignore index stays,
    /// and class k is k − 1.
    /// </summary>
    public static void ReduceZero(Span<byte> labels)
    {
        for (var i = 0; i < labels.Length; i++)
        {
            var v = labels[i];
            labels[i] = v is 0 or 255 ? (byte)255 : (byte)(v - 1);
        }
    }
}
