using ClipSurgeryWeb.Engine.Imaging;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace ClipSurgeryWeb.Engine.Segmentation;

/// <summary>
/// SAM's <c>ResizeLongestSide</c>: resizes images so the longest side is <see cref="TargetLength"/> (PIL bilinear on
/// uint8, <see cref="PilResize"/>) and maps pixel coordinates the same way.
/// </summary>
public sealed class ResizeLongestSide(int targetLength)
{
    public int TargetLength { get; } = targetLength;

    /// <summary>Output size for an image of <paramref name="oldHeight"/>×<paramref name="oldWidth"/> (rounded half up, as the reference).</summary>
    public static (int Height, int Width) GetPreprocessShape(int oldHeight, int oldWidth, int longSideLength)
    {
        var scale = longSideLength * 1.0 / Math.Max(oldHeight, oldWidth);
        var (newHeight, newWidth) = (oldHeight * scale, oldWidth * scale);
        // At least one pixel a side (the reference's rounding gives 0 for a 3000×1 image and then fails).
        return (Math.Max(1, (int)(newHeight + 0.5)), Math.Max(1, (int)(newWidth + 0.5)));
    }

    /// <summary>The resized image (a new image; the input is not changed).</summary>
    public Image<Rgb24> ApplyImage(Image<Rgb24> image)
    {
        var (height, width) = GetPreprocessShape(image.Height, image.Width, TargetLength);
        return Image.LoadPixelData<Rgb24>(ApplyImage(RgbBytes(image), image.Height, image.Width), width, height);
    }

    /// <summary>Resizes packed RGB bytes <c>[height, width, 3]</c>; the result is <see cref="GetPreprocessShape"/> in size.</summary>
    public byte[] ApplyImage(ReadOnlySpan<byte> rgb, int height, int width)
    {
        var (newHeight, newWidth) = GetPreprocessShape(height, width, TargetLength);
        return PilResize.Bilinear(rgb, width, height, newWidth, newHeight);
    }

    /// <summary>
    /// Maps an (x, y) pixel coordinate of an image of <paramref name="originalSize"/> to the resized frame, in double
    /// precision as the reference's numpy code (the model then takes it as float32).
    /// </summary>
    public (double X, double Y) ApplyCoords((double X, double Y) point, (int Height, int Width) originalSize)
    {
        var (newHeight, newWidth) = GetPreprocessShape(originalSize.Height, originalSize.Width, TargetLength);
        return (point.X * (newWidth / (double)originalSize.Width), point.Y * (newHeight / (double)originalSize.Height));
    }

    internal static byte[] RgbBytes(Image<Rgb24> image)
    {
        var bytes = new byte[image.Width * image.Height * 3];
        image.CopyPixelDataTo(bytes);
        return bytes;
    }
}
