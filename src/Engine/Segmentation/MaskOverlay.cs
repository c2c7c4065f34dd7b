using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace ClipSurgeryWeb.Engine.Segmentation;

/// <summary>
/// The demo's picture of a SAM mask with its prompt points: mask pixels tinted half-way to (255, 255, 153), each
/// point a ring in (255, 102, 0) for positives and (51, 102, 255) for negatives.
/// </summary>
/// <remarks>
/// <para>
/// Tint, per channel with integer division as numpy: <c>pixel / 2 + (255, 255, 153) / 2</c> =
/// <c>pixel / 2 + (127, 127, 76)</c> (the demo does <c>vis[mask &gt; 0] // 2 + [153, 255, 255] // 2</c> in BGR).
/// </para>
/// <para>
/// Points: the demo calls <c>cv2.circle(vis, (x, y), 3, colour, 3)</c>. With thickness &gt; 1 OpenCV draws the
/// circle as a 12-segment polyline (30° steps for radius 3) through points at radius 3, each segment a filled band
/// of half-width 2 with round caps of radius 2 at the vertices. That covers the pixels at distance 1 to 5 from the
/// centre and leaves the centre pixel alone. We paint exactly the ring 1 ≤ dx² + dy² ≤ 25; OpenCV's fixed-point
/// rounding of the vertices can differ from it on a few pixels of the outer edge (it rounds .5 up, which makes its
/// ring slightly lopsided). Pixels outside the image are skipped; later points are drawn over earlier ones.
/// </para>
/// </remarks>
public static class MaskOverlay
{
    public static readonly Rgb24 TintColour = new(255, 255, 153);
    public static readonly Rgb24 PositiveColour = new(255, 102, 0);
    public static readonly Rgb24 NegativeColour = new(51, 102, 255);

    /// <summary>Outer radius² and inner radius² of the painted ring (see remarks).</summary>
    private const int OuterRadiusSquared = 25;
    private const int InnerRadiusSquared = 1;
    private const int OuterRadius = 5;

    /// <summary>
    /// A new image: <paramref name="image"/> with <paramref name="mask"/> (<c>[H, W]</c> row-major, non-zero inside)
    /// tinted and the points drawn (label 1 positive, anything else negative, as the demo).
    /// </summary>
    public static Image<Rgb24> Render(Image<Rgb24> image, ReadOnlySpan<byte> mask, ReadOnlySpan<(int X, int Y)> points, ReadOnlySpan<int> labels)
    {
        var (width, height) = (image.Width, image.Height);
        if (mask.Length != width * height)
            throw new ArgumentException($"The mask has {mask.Length} pixels, the image {width}×{height}.", nameof(mask));
        if (points.Length != labels.Length)
            throw new ArgumentException($"{points.Length} points but {labels.Length} labels.", nameof(labels));

        var pixels = new Rgb24[width * height];
        image.CopyPixelDataTo(pixels);
        for (var i = 0; i < pixels.Length; i++)
        {
            if (mask[i] == 0)
                continue;
            var p = pixels[i];
            pixels[i] = new Rgb24(
                (byte)(p.R / 2 + TintColour.R / 2),
                (byte)(p.G / 2 + TintColour.G / 2),
                (byte)(p.B / 2 + TintColour.B / 2));
        }

        for (var i = 0; i < points.Length; i++)
        {
            var colour = labels[i] == 1 ? PositiveColour : NegativeColour;
            var (cx, cy) = points[i];
            for (var dy = -OuterRadius; dy <= OuterRadius; dy++)
            {
                for (var dx = -OuterRadius; dx <= OuterRadius; dx++)
                {
                    var (x, y, d2) = (cx + dx, cy + dy, dx * dx + dy * dy);
                    if (d2 < InnerRadiusSquared || d2 > OuterRadiusSquared || x < 0 || y < 0 || x >= width || y >= height)
                        continue;
                    pixels[y * width + x] = colour;
                }
            }
        }

        return Image.LoadPixelData<Rgb24>(pixels, width, height);
    }
}
