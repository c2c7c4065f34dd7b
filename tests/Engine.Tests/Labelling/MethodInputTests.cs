using ClipSurgeryWeb.Engine.Imaging;
using ClipSurgeryWeb.Engine.Tests.Support;
using TorchSharp;
using static TorchSharp.torch;
using Xunit.Abstractions;

namespace ClipSurgeryWeb.Engine.Tests.Labelling;

/// <summary>
/// The methods' input (METHODS.md, "Input") against the goldens' <c>input.&lt;image&gt;.rgb</c> (uint8 [H, W, 3], what
/// mmcv's <c>imrescale</c> with OpenCV bilinear made) and <c>.x</c> (normalised, [1, 3, H, W]). The PNG is lossless,
/// so its resize must be byte for byte OpenCV's; the JPEG also goes through two different JPEG decoders (libjpeg-turbo
/// there, ImageSharp here), so it is held to a measured bound and the resize alone is checked on the PNG.
/// </summary>
public sealed class MethodInputTests(ITestOutputHelper output)
{
    private const string GoldenFile = "methods/golden_methods_naclip.safetensors";

    [Theory]
    [InlineData(500, 375, 336, 448, 336)]
    [InlineData(224, 224, 336, 336, 336)]
    [InlineData(375, 500, 336, 336, 448)]
    [InlineData(4000, 100, 336, 2048, 51)]
    [InlineData(1000, 999, 448, 448, 448)]
    public void The_size_follows_mmcv_rescale_size(int w, int h, int shortSide, int expectedW, int expectedH) =>
        Assert.Equal((expectedW, expectedH), MethodInput.Size(w, h, shortSide));

    [Fact]
    public void The_png_is_resized_byte_for_byte_as_OpenCV_does()
    {
        using var image = ImageLoader.Load(Shared.Image("bwcat_cat.png"));
        var (rgb, w, h) = MethodInput.Resized(image, 336);
        var expected = Golden.Get(GoldenFile, "input.bwcat_cat.png.rgb").data<byte>().ToArray();
        Assert.Equal((336, 336), (w, h));
        var differing = Enumerable.Range(0, rgb.Length).Count(i => rgb[i] != expected[i]);
        output.WriteLine($"bwcat_cat.png: {differing} of {rgb.Length} bytes differ");
        Assert.Equal(0, differing);
    }

    [Fact]
    public void The_jpeg_is_within_3_grey_levels_of_the_golden_where_the_decoders_differ()
    {
        using var image = ImageLoader.Load(Shared.Image("demo.jpg"));
        var (rgb, w, h) = MethodInput.Resized(image, 336);
        var expected = Golden.Get(GoldenFile, "input.demo.jpg.rgb").data<byte>().ToArray();
        Assert.Equal((448, 336), (w, h));
        var diffs = Enumerable.Range(0, rgb.Length).Select(i => Math.Abs(rgb[i] - expected[i])).ToArray();
        int worst = diffs.Max();
        double share = diffs.Count(d => d != 0) / (double)diffs.Length;
        output.WriteLine($"demo.jpg: max difference {worst}, {share:P3} of bytes differ");
        Assert.True(worst <= MaxJpegDifference && share <= MaxJpegShare, $"demo.jpg: max difference {worst}, {share:P3} of bytes differ");
    }

    /// <summary>
    /// Measured: at most 3 grey levels on 5.27 % of the bytes. The two JPEG decoders differ (chroma upsampling and IDCT
    /// rounding); the resize itself is exact (the PNG case), so this bounds the decoders only.
    /// </summary>
    private const int MaxJpegDifference = 3;
    private const double MaxJpegShare = 0.06;

    [Theory]
    [InlineData("demo.jpg")]
    [InlineData("bwcat_cat.png")]
    public void The_golden_rgb_normalises_to_the_golden_input_exactly(string name)
    {
        using var scope = torch.NewDisposeScope();
        var rgb = Golden.Get(GoldenFile, $"input.{name}.rgb");                     // [H, W, 3]
        int h = (int)rgb.shape[0], w = (int)rgb.shape[1];
        var x = MethodInput.Normalize(rgb.data<byte>().ToArray(), w, h);           // [1, 3, H, W]
        var expected = Golden.Get(GoldenFile, $"input.{name}.x");
        Golden.AssertEqual(expected, x, $"{name} normalised input");
    }
}
