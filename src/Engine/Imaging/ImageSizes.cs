namespace ClipSurgeryWeb.Engine.Imaging;

/// <summary>The one range of input resolutions (the square an image is resized to before encoding) every caller accepts.</summary>
public static class ImageSizes
{
    public const int MinResolution = 32;
    public const int MaxResolution = 4096;

    /// <summary>Refuses a resolution outside <see cref="MinResolution"/>…<see cref="MaxResolution"/>, naming <paramref name="subject"/>.</summary>
    public static void CheckResolution(string subject, int resolution)
    {
        if (resolution is < MinResolution or > MaxResolution)
            throw new EngineInputException(subject, $"{resolution} is outside {MinResolution}…{MaxResolution}");
    }
}
