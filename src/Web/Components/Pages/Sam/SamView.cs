using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace ClipSurgeryWeb.Web.Components.Pages.Sam;

/// <summary>
/// How the SAM page shows an image of <see cref="Width"/>×<see cref="Height"/> pixels: at most <see cref="MaxSide"/> CSS
/// pixels on the long side, and how a click on it (offset within the shown image) becomes a pixel of the image, the
/// space SAM's points are in.
/// </summary>
public sealed record SamView(int Width, int Height)
{
    /// <summary>The long side of the shown image, in CSS pixels (a fixed, known size: no JavaScript has to measure it).</summary>
    public const int MaxSide = 640;

    private double Scale => Math.Min(1.0, (double)MaxSide / Math.Max(Width, Height));

    public int DisplayWidth => Math.Max(1, (int)Math.Round(Width * Scale));

    public int DisplayHeight => Math.Max(1, (int)Math.Round(Height * Scale));

    /// <summary>The image pixel under a click at (<paramref name="offsetX"/>, <paramref name="offsetY"/>) CSS pixels from the shown image's corner.</summary>
    public (int X, int Y) ToImage(double offsetX, double offsetY) => (
        Math.Clamp((int)Math.Floor(offsetX * Width / DisplayWidth), 0, Width - 1),
        Math.Clamp((int)Math.Floor(offsetY * Height / DisplayHeight), 0, Height - 1));

    /// <summary>Where a pixel's centre is shown, in CSS pixels (for its marker).</summary>
    public (double Left, double Top) ToDisplay((int X, int Y) point) =>
        ((point.X + 0.5) * DisplayWidth / Width, (point.Y + 0.5) * DisplayHeight / Height);

    /// <summary>
    /// The mask as a PNG data URL at the shown size: tinted where SAM says "object", transparent elsewhere. Two colours
    /// at most 640 pixels wide compress to a few KB, so it travels in the circuit instead of through a file that would
    /// have to be kept for a mask nobody saved.
    /// </summary>
    public string MaskDataUrl(ReadOnlySpan<byte> mask)
    {
        if (mask.Length != Width * Height)
            throw new ArgumentException($"The mask has {mask.Length} pixels, the image {Width}×{Height}.", nameof(mask));
        var (w, h) = (DisplayWidth, DisplayHeight);
        var pixels = new Rgba32[w * h];
        var tint = new Rgba32(30, 144, 255, 140);
        for (var y = 0; y < h; y++)
        {
            var sy = Math.Min(Height - 1, (int)((y + 0.5) * Height / h));
            for (var x = 0; x < w; x++)
            {
                var sx = Math.Min(Width - 1, (int)((x + 0.5) * Width / w));
                if (mask[sy * Width + sx] != 0)
                    pixels[y * w + x] = tint;
            }
        }
        using var image = Image.LoadPixelData<Rgba32>(pixels, w, h);
        return image.ToBase64String(SixLabors.ImageSharp.Formats.Png.PngFormat.Instance);
    }
}
