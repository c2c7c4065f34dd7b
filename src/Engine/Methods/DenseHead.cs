namespace ClipSurgeryWeb.Engine.Methods;

/// <summary>
/// A dense method's segmentation head (METHODS.md, "The segmentation head"): slide windows of <paramref name="Crop"/>
/// pixels every <paramref name="Stride"/>, <c>softmax(LogitScale · logits)</c>, and whether class probabilities are
/// renormalised to sum 1 after the max over a class's names.
/// </summary>
public sealed record DenseHead(int Crop, int Stride, double LogitScale, bool Renormalises)
{
    /// <summary>NACLIP's and SCLIP's configs: 224 / 112, scale 40, renormalised.</summary>
    public static DenseHead Default { get; } = new(SlideInference.DefaultCrop, SlideInference.DefaultStride, 40, true);

    /// <summary>ClearCLIP's and MaskCLIP's configs: 448 / 224, scale 50, not renormalised, crops padded to whole patches.</summary>
    public static DenseHead Wide { get; } = new(448, 224, 50, false) { PadsCrops = true };

    /// <summary>
    /// Whether a window whose sides are not multiples of the patch is zero-padded (split evenly, the extra pixel at the
    /// end) before encoding and its logits cut back, as ClearCLIP's <c>forward_slide</c> does. NACLIP's and SCLIP's code
    /// does not pad: the patch convolution drops the remainder and the coarser grid is stretched over the whole window.
    /// </summary>
    public bool PadsCrops { get; init; }
}
