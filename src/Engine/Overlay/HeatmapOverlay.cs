using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace ClipSurgeryWeb.Engine.Overlay;

/// <summary>Paints a heatmap over its image as the reference's demo: JET colours at 60 %, the image at 40 %.</summary>
public static class HeatmapOverlay
{
    /// <summary>
    /// <paramref name="rgb"/>: the image's <c>[H, W, 3]</c> bytes; <paramref name="map"/>: <c>[H, W]</c> values in [0, 1].
    /// Per pixel: <c>u8 = trunc(map·255)</c> (in float32), colour = JET[u8], result = <c>trunc(0.4·image + 0.6·colour)</c>.
    /// </summary>
    public static byte[] Render(ReadOnlySpan<byte> rgb, ReadOnlySpan<float> map)
    {
        if (rgb.Length != map.Length * 3)
            throw new ArgumentException($"map has {map.Length} values, the image {rgb.Length / 3} pixels", nameof(map));

        var result = new byte[rgb.Length];
        var jet = JetColormap.Table;
        for (int i = 0; i < map.Length; i++)
        {
            var c = jet[ToByte(map[i])];
            result[3 * i] = Blend(rgb[3 * i], c.R);
            result[3 * i + 1] = Blend(rgb[3 * i + 1], c.G);
            result[3 * i + 2] = Blend(rgb[3 * i + 2], c.B);
        }
        return result;
    }

    public static Image<Rgb24> Render(Image<Rgb24> image, ReadOnlySpan<float> map)
    {
        var rgb = new byte[image.Width * image.Height * 3];
        image.CopyPixelDataTo(rgb);
        return Image.LoadPixelData<Rgb24>(Render(rgb, map), image.Width, image.Height);
    }

    /// <summary><c>(map · 255).astype(uint8)</c> on float32; NaN (a constant map) becomes 0.</summary>
    private static byte ToByte(float v)
    {
        float scaled = v * 255f;
        return float.IsNaN(scaled) ? (byte)0 : (byte)Math.Clamp((int)scaled, 0, 255);
    }

    /// <summary>numpy's <c>(img · 0.4 + colour · 0.6).astype(uint8)</c>: float64, truncated.</summary>
    private static byte Blend(byte image, byte colour) => (byte)(image * 0.4 + colour * 0.6);
}
