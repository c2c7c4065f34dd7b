using ClipSurgeryWeb.Engine.Methods;

namespace ClipSurgeryWeb.Engine.Labelling;

/// <summary>
/// One method's own segmentation settings for <see cref="LabelSegmenter.Segment(SixLabors.ImageSharp.Image{SixLabors.ImageSharp.PixelFormats.Rgb24}, ClassList, IReadOnlyList{LabelMethodSettings}, bool, ValueTuple{int, int}?, CancellationToken)"/>
/// (an eval protocol's): the short side its input is resized to, its dense head (null = the method's default head;
/// CLIP Surgery has none and takes none), the probability <paramref name="Threshold"/> below which a pixel goes to
/// class 0, and PAMR on its logits (dense methods only).
/// </summary>
public sealed record LabelMethodSettings(MapMethod Method, int ShortSide, DenseHead? Head, double Threshold, bool Pamr)
{
    /// <summary>The interactive label maps' settings for a method: one short side, threshold and PAMR (NACLIP only) for all, default heads.</summary>
    public static LabelMethodSettings From(MapMethod method, LabelSegmentationOptions options) =>
        new(method, options.ShortSide, null, options.Threshold, options.Pamr && method == DenseMethod.Naclip.Method);

    /// <summary>Refuses a short side or threshold out of range, a bad head, and a head or PAMR on CLIP Surgery (it has no logits).</summary>
    public void Validate()
    {
        new LabelSegmentationOptions(ShortSide, Pamr, Threshold).Validate();
        Head?.Validate();
        if (Method == MapMethod.Surgery && (Head is not null || Pamr))
            throw new EngineInputException($"method '{Method.Name}'", "CLIP Surgery has no dense head: neither a head nor PAMR applies");
    }
}
