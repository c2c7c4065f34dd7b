using ClipSurgeryWeb.Engine.Segmentation;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace ClipSurgeryWeb.Engine.Tests.Segmentation;

public sealed class ResizeLongestSideTests(SamGoldens golden) : IClassFixture<SamGoldens>
{
    [Fact]
    public void Resize_to_the_longest_side_matches_the_golden_PIL_bilinear_within_1()
    {
        using var image = golden.OriginalImage();
        using var resized = new ResizeLongestSide(1024).ApplyImage(image);

        Assert.Equal((golden.ResizedWidth, golden.ResizedHeight), (resized.Width, resized.Height));
        var actual = SamGoldens.RgbBytes(resized);
        var expected = golden.Bytes("sam.input_resized");
        var max = 0;
        for (var i = 0; i < expected.Length; i++)
            max = Math.Max(max, Math.Abs(expected[i] - actual[i]));
        Assert.True(max <= 1, $"max abs diff {max}");
    }

    [Fact]
    public void Downscaling_averages_over_the_scaled_triangle_like_PIL()
    {
        // 4×1 → 2×1: the triangle's support doubles to 2 source pixels. Output 0 is centred at 1.0: source centres
        // 0.5, 1.5, 2.5 weigh 0.75, 0.75, 0.25 → (0·3 + 40·3 + 80·1)/7 = 28.6; output 1 at 3.0: (40·1 + 80·3 + 120·3)/7
        // = 91.4. PIL's fixed point rounds these to 29 and 91.
        var rgb = new byte[] { 0, 0, 0, 40, 40, 40, 80, 80, 80, 120, 120, 120 };

        var resized = new ResizeLongestSide(2).ApplyImage(rgb, 1, 4);

        Assert.Equal(new byte[] { 29, 29, 29, 91, 91, 91 }, resized);
    }

    [Theory]
    [InlineData(300, 400, 768, 1024)]
    [InlineData(400, 300, 1024, 768)]
    [InlineData(333, 500, 682, 1024)]
    [InlineData(1024, 1024, 1024, 1024)]
    public void Preprocess_shape_rounds_half_up_like_the_reference(int h, int w, int newH, int newW)
    {
        Assert.Equal((newH, newW), ResizeLongestSide.GetPreprocessShape(h, w, 1024));
    }

    [Fact]
    public void Coordinates_scale_with_the_resize_in_each_axis()
    {
        var (x, y) = new ResizeLongestSide(1024).ApplyCoords((260, 120), (300, 400));

        Assert.Equal(260 * (1024 / 400.0), x);
        Assert.Equal(120 * (768 / 300.0), y);
    }
}
