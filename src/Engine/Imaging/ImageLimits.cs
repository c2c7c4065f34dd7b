namespace ClipSurgeryWeb.Engine.Imaging;

/// <summary>What the engine agrees to decode. Checked from the file header before any pixel is decoded.</summary>
public sealed record ImageLimits(long MaxPixels = ImageLimits.DefaultMaxPixels)
{
    /// <summary>64 megapixels: far above any camera photo CLIP needs, well below what exhausts memory.</summary>
    public const long DefaultMaxPixels = 64L * 1024 * 1024;

    public static ImageLimits Default { get; } = new();
}
