namespace ClipSurgeryWeb.Engine.Labelling;

/// <summary>
/// How an image is segmented into classes (METHODS.md's head): resized so its short side is <paramref name="ShortSide"/>,
/// PAMR refinement for the methods that offer it, and a probability <paramref name="Threshold"/> below which a pixel
/// goes to class 0 (the background class, when there is one; 0 = off, as the methods' configs).
/// </summary>
public sealed record LabelSegmentationOptions(int ShortSide = LabelSegmentationOptions.DefaultShortSide, bool Pamr = false, double Threshold = 0)
{
    /// <summary>The methods' test pipelines' short side (VOC, Context, COCO).</summary>
    public const int DefaultShortSide = 336;

    public void Validate()
    {
        if (ShortSide is < 32 or > 4096)
            throw new EngineInputException("--short-side", $"{ShortSide} is outside 32…4096 pixels");
        if (Threshold is < 0 or >= 1 || double.IsNaN(Threshold))
            throw new EngineInputException("threshold", $"{Threshold} is not a probability in [0, 1)");
    }
}
