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
}
