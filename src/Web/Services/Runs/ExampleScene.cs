using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace ClipSurgeryWeb.Web.Services.Runs;

/// <summary>
/// The "Try an example" image, drawn here in code (no file from anywhere else ships with the app): a sky gradient, a
/// building with windows, the ground, a bench and a person beside it — the things the CLIP Surgery demo's targets name
/// (<see cref="Targets"/>), so its heatmaps have something to find. The same bytes every time (no randomness).
/// </summary>
public static class ExampleScene
{
    public const string FileName = "example-bench-person.png";

    public const int Width = 448;

    public const int Height = 336;

    /// <summary>The reference demo's targets (CLIP Surgery's demo.py), over the PASCAL-Context labels as its label set.</summary>
    public static readonly IReadOnlyList<string> Targets = ["bench", "person", "ground", "building"];

    private static readonly Lazy<byte[]> Bytes = new(Draw);

    /// <summary>The PNG file's bytes (drawn once per process).</summary>
    public static byte[] Png() => Bytes.Value;

    private static byte[] Draw()
    {
        using var image = new Image<Rgb24>(Width, Height);
        const int horizon = 210;
        for (var y = 0; y < Height; y++)
        {
            for (var x = 0; x < Width; x++)
            {
                image[x, y] = y < horizon
                    // Sky: deep blue at the top to pale near the horizon.
                    ? Mix(new Rgb24(70, 130, 210), new Rgb24(190, 220, 245), y / (double)horizon)
                    // Ground: grass with a gravel path across it.
                    : Math.Abs(y - 280 - (x - 224) / 8) < 18 ? new Rgb24(176, 160, 130) : Mix(new Rgb24(96, 150, 70), new Rgb24(70, 120, 50), (y - horizon) / (double)(Height - horizon));
            }
        }

        // A building on the left with rows of windows.
        Fill(image, 20, 60, 150, horizon, new Rgb24(150, 110, 90));
        for (var row = 0; row < 5; row++)
            for (var col = 0; col < 4; col++)
                Fill(image, 32 + col * 32, 74 + row * 26, 50 + col * 32, 90 + row * 26, new Rgb24(235, 225, 150));
        Fill(image, 70, 170, 100, horizon, new Rgb24(80, 55, 45)); // door

        // A bench: backrest, seat, legs.
        var wood = new Rgb24(120, 75, 40);
        Fill(image, 200, 222, 330, 234, wood);
        Fill(image, 200, 240, 330, 250, wood);
        Fill(image, 206, 250, 214, 280, new Rgb24(50, 50, 50));
        Fill(image, 316, 250, 324, 280, new Rgb24(50, 50, 50));

        // A person standing beside it: head, body, arms, legs.
        Disc(image, 370, 168, 14, new Rgb24(225, 185, 150));
        Fill(image, 356, 184, 384, 240, new Rgb24(200, 40, 40));
        Fill(image, 348, 188, 356, 232, new Rgb24(200, 40, 40));
        Fill(image, 384, 188, 392, 232, new Rgb24(200, 40, 40));
        Fill(image, 358, 240, 368, 290, new Rgb24(40, 50, 110));
        Fill(image, 372, 240, 382, 290, new Rgb24(40, 50, 110));

        using var png = new MemoryStream();
        image.SaveAsPng(png);
        return png.ToArray();
    }

    private static Rgb24 Mix(Rgb24 a, Rgb24 b, double t) => new(
        (byte)(a.R + (b.R - a.R) * t), (byte)(a.G + (b.G - a.G) * t), (byte)(a.B + (b.B - a.B) * t));

    private static void Fill(Image<Rgb24> image, int x0, int y0, int x1, int y1, Rgb24 colour)
    {
        for (var y = Math.Max(0, y0); y < Math.Min(Height, y1); y++)
            for (var x = Math.Max(0, x0); x < Math.Min(Width, x1); x++)
                image[x, y] = colour;
    }

    private static void Disc(Image<Rgb24> image, int cx, int cy, int r, Rgb24 colour)
    {
        for (var y = cy - r; y <= cy + r; y++)
            for (var x = cx - r; x <= cx + r; x++)
                if ((x - cx) * (x - cx) + (y - cy) * (y - cy) <= r * r && x is >= 0 and < Width && y is >= 0 and < Height)
                    image[x, y] = colour;
    }
}
