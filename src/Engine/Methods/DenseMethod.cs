using ClipSurgeryWeb.Engine.Explaining;
using ClipSurgeryWeb.Engine.Surgery;

namespace ClipSurgeryWeb.Engine.Methods;

/// <summary>
/// A training-free dense method (METHODS.md: <c>clip_dense</c>, <c>sclip</c>, <c>naclip</c>, <c>kk_reduced</c>,
/// <c>clearclip</c>, <c>maskclip</c>) as a map
/// method: its own encoder pass (<see cref="DenseEncoding"/>), then, as plain CLIP's maps, <c>f @ tᵀ</c> against the
/// label set, with <c>f</c> L2-normalised per token (<see cref="DenseEncoding.ForMaps"/>): per target, the patch logits
/// min–max normalised to 0…1 and bilinearly resized as the reference's <c>get_similarity_map</c>. The methods differ only in their encoding, so one class serves them all.
/// </summary>
public sealed class DenseMethod : IMapMethod
{
    private DenseMethod(DenseEncoding encoding, string displayName, DenseHead? head = null) =>
        (Method, DisplayName, Encoding, Head) = (new MapMethod(encoding.Name), displayName, encoding, head ?? DenseHead.Default);

    public static DenseMethod ClipDense { get; } = new(DenseEncoding.ClipDense, "CLIP (dense)");

    /// <summary>
    /// SCLIP's own code leaves its class probabilities as the max over names, not renormalised: its golden's
    /// <c>probs</c> sum to 0.70…0.99 per pixel and equal the un-renormalised ones exactly (METHODS.md's text says
    /// renormalised for both; the golden made by SCLIP's code decides).
    /// </summary>
    public static DenseMethod Sclip { get; } = new(DenseEncoding.Sclip, "SCLIP", DenseHead.Default with { Renormalises = false });

    public static DenseMethod Naclip { get; } = new(DenseEncoding.Naclip, "NACLIP");

    public static DenseMethod KkReduced { get; } = new(DenseEncoding.KkReduced, "NACLIP without Ω (k–k, reduced)");

    /// <summary>ClearCLIP (q–q attention, reduced last block) with its own code's head: 448 / 224, scale 50, not renormalised.</summary>
    public static DenseMethod ClearClip { get; } = new(DenseEncoding.ClearClip, "ClearCLIP", DenseHead.Wide);

    /// <summary>MaskCLIP as ClearCLIP's code runs it (identity attention, reduced last block), with that code's head.</summary>
    public static DenseMethod MaskClip { get; } = new(DenseEncoding.MaskClip, "MaskCLIP", DenseHead.Wide);

    /// <summary>The six, in METHODS.md's order.</summary>
    public static IReadOnlyList<DenseMethod> All { get; } = [ClipDense, Sclip, Naclip, KkReduced, ClearClip, MaskClip];

    public MapMethod Method { get; }

    /// <summary>Its segmentation head's settings (crop, stride, logit scale, renormalisation), as its own code's defaults.</summary>
    public DenseHead Head { get; }

    /// <summary>Whether its segmentation head renormalises class probabilities to sum 1 (<see cref="SlideInference.Classify"/>).</summary>
    public bool RenormalisesProbabilities => Head.Renormalises;

    /// <summary>Asked for by name only: the dense methods are ViT-only, and a batch on a ResNet must not fail for them.</summary>
    public bool InDefaultSet => false;

    /// <summary>The dense encoding it reads (<see cref="Encoding"/> typed).</summary>
    public DenseEncoding DenseEncoding => (DenseEncoding)Encoding;

    public string DisplayName { get; }

    public bool NeedsLabels => true;

    public IImageEncoding Encoding { get; }

    public IReadOnlyList<Heatmap> Draw(MapInputs inputs, IReadOnlyList<string> targets, CancellationToken ct)
    {
        var similarity = FeatureSurgery.PlainSimilarity(inputs.Features, inputs.LabelFeatures!);     // [1, 1+N, T]
        return targets.Select(t => MapDrawing.LabelSetMap(Method, similarity, inputs.Labels, t, inputs.Height, inputs.Width, inputs.Resolution)).ToList();
    }
}
