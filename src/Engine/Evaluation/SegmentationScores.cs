namespace ClipSurgeryWeb.Engine.Evaluation;

/// <summary>
/// The scores mmseg's <c>IoUMetric.compute_metrics</c> reports, as fractions in [0, 1] (mmseg prints them ×100,
/// rounded to 2 decimals; rounding is left to whoever prints). Per-class values are NaN where mmseg's are
/// (0/0: a class with no union for IoU, no label pixels for Acc); the means skip NaN as <c>np.nanmean</c> does.
/// </summary>
/// <param name="AllAccuracy">aAcc: total intersection / total label area over all classes.</param>
/// <param name="MeanIoU">mIoU: nanmean of <paramref name="ClassIoU"/>; NaN when every class is NaN.</param>
/// <param name="MeanAccuracy">mAcc: nanmean of <paramref name="ClassAccuracy"/>.</param>
/// <param name="ClassIoU">Intersection / union per class.</param>
/// <param name="ClassAccuracy">Intersection / label area per class.</param>
public sealed record SegmentationScores(
    double AllAccuracy,
    double MeanIoU,
    double MeanAccuracy,
    IReadOnlyList<double> ClassIoU,
    IReadOnlyList<double> ClassAccuracy);
