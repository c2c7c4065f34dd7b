namespace ClipSurgeryWeb.Engine.Methods;

/// <summary>
/// A dense method's segmentation head (METHODS.md, "The segmentation head"): slide windows of <paramref name="Crop"/>
/// pixels every <paramref name="Stride"/> (or, with <paramref name="Crop"/> 0, the whole input in one window: NACLIP's
/// <c>slide_crop=0</c>), <c>softmax(LogitScale · logits)</c>, and whether class probabilities are renormalised to sum 1
/// after the max over a class's names.
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
    /// A whole-image head never pads (NACLIP's <c>forward_feature</c> on the input as it is).
    /// </summary>
    public bool PadsCrops { get; init; }

    /// <summary>
    /// SCLIP's <c>area_thd</c> (its VOC21 config: 0.1), null = none: a foreground class (every class but 0) whose argmax
    /// area is not above this share of all foreground classes' argmax area has its probability plane zeroed before the
    /// final argmax and the probability threshold (<see cref="SlideInference.Classify"/>).
    /// </summary>
    public double? AreaThreshold { get; init; }

    /// <summary>Whether the head reads the whole input in one window (<see cref="Crop"/> 0, NACLIP's <c>slide_crop=0</c>).</summary>
    public bool IsWholeImage => Crop == 0;

    /// <summary>This head on the whole input in one forward pass, unpadded (NACLIP's <c>slide_crop=0</c>): same scale and renormalisation.</summary>
    public DenseHead AsWholeImage() => this with { Crop = 0, Stride = 0, PadsCrops = false };

    /// <summary>Refuses a head no window rule fits: a negative crop, a slide without a positive stride, a non-positive scale, an area share outside [0, 1).</summary>
    public void Validate()
    {
        if (Crop < 0 || (Crop > 0 && Stride <= 0))
            throw new EngineInputException("head", $"crop {Crop} every {Stride} pixels is no window (crop 0 = the whole image, else crop and stride > 0)");
        if (!(LogitScale > 0) || double.IsInfinity(LogitScale))
            throw new EngineInputException("head", $"logit scale {LogitScale} is not a positive number");
        if (AreaThreshold is { } area && (area is < 0 or >= 1 || double.IsNaN(area)))
            throw new EngineInputException("head", $"area threshold {area} is not a share in [0, 1)");
    }

    /// <summary>One line for reports: <c>slide 224/112, scale 40</c>, <c>whole image, scale 40</c>, with the area threshold when set.</summary>
    public string Describe() =>
        (IsWholeImage ? "whole image" : $"slide {Crop}/{Stride}" + (PadsCrops ? " padded" : ""))
        + $", logit scale {LogitScale.ToString(System.Globalization.CultureInfo.InvariantCulture)}"
        + (AreaThreshold is { } a ? $", area threshold {a.ToString(System.Globalization.CultureInfo.InvariantCulture)}" : "");
}
