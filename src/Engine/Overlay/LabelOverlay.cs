using System.Globalization;
using ClipSurgeryWeb.Engine.Labelling;

namespace ClipSurgeryWeb.Engine.Overlay;

/// <summary>
/// A label map drawn for a person: each pixel half image, half its class's colour (<see cref="ClassPalette"/>), and
/// below the image a legend of the classes present, in class order: colour swatch, name, share of the pixels.
/// </summary>
public static class LabelOverlay
{
    private const int Margin = 6;

    /// <summary>
    /// <paramref name="rgb"/>: the image at the map's size (<c>[H, W, 3]</c> bytes). Returns the picture, taller than
    /// the image by the legend, as <c>[H + legend, W, 3]</c> bytes and its height.
    /// </summary>
    public static (byte[] Rgb, int Height) Render(ReadOnlySpan<byte> rgb, LabelPrediction prediction)
    {
        int w = prediction.Width, h = prediction.Height;
        if (rgb.Length != w * h * 3)
            throw new ArgumentException($"image has {rgb.Length / 3} pixels, the label map {w * h}", nameof(rgb));
        var colours = ClassPalette.For(prediction.Classes);
        var present = prediction.Shares().Where(s => s.Share > 0).ToList();
        int scale = w >= 240 ? 2 : 1;
        int glyph = BitmapFont.GlyphHeight * scale, row = glyph + Margin;
        int legend = present.Count * row + Margin;
        var output = new byte[w * (h + legend) * 3];
        for (int i = 0; i < w * h; i++)
        {
            var c = colours[prediction.Prediction[i]];
            output[3 * i] = (byte)(rgb[3 * i] * 0.5 + c.R * 0.5);
            output[3 * i + 1] = (byte)(rgb[3 * i + 1] * 0.5 + c.G * 0.5);
            output[3 * i + 2] = (byte)(rgb[3 * i + 2] * 0.5 + c.B * 0.5);
        }
        output.AsSpan(3 * w * h).Fill(255);

        int textLeft = Margin + glyph + Margin;
        int maxChars = Math.Max(0, (w - textLeft - Margin) / (BitmapFont.Advance * scale));
        for (int k = 0; k < present.Count; k++)
        {
            int top = h + Margin + k * row;
            var colour = colours[present[k].ClassId];
            for (int y = top; y < top + glyph; y++)
                for (int x = Margin; x < Math.Min(w, Margin + glyph); x++)
                {
                    bool edge = y == top || y == top + glyph - 1 || x == Margin || x == Margin + glyph - 1;
                    int at = 3 * (y * w + x);
                    (output[at], output[at + 1], output[at + 2]) = edge ? ((byte)0, (byte)0, (byte)0) : colour;
                }
            BitmapFont.Draw(output, w, h + legend, Fit(Line(present[k]), maxChars), textLeft, top, scale, (0, 0, 0));
        }
        return (output, h + legend);
    }

    /// <summary>A legend line: <c>cat 12.3 %</c>.</summary>
    public static string Line(ClassShare share) =>
        $"{share.Name} {(share.Share * 100).ToString("F1", CultureInfo.InvariantCulture)} %";

    private static string Fit(string text, int maxChars) =>
        text.Length <= maxChars ? text : maxChars <= 2 ? "" : text[..(maxChars - 2)] + "..";
}
