using ClipSurgeryWeb.Engine.Imaging;
using ClipSurgeryWeb.Engine.Tests.Support;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using TorchSharp;

namespace ClipSurgeryWeb.Engine.Tests.Explaining;

public sealed class PreprocessTests
{
    [Fact]
    public void Preprocessing_reproduces_PILs_bicubic_resize()
    {
        var rgb = Golden.Vit("preprocess.input_rgb");                 // [120, 160, 3]
        using var image = Image.LoadPixelData<Rgb24>(rgb.data<byte>().ToArray(), (int)rgb.shape[1], (int)rgb.shape[0]);
        using var input = ClipPreprocessor.ToInput(image, 224);
        var expected = Golden.Vit("preprocess.r224");
        Assert.Equal(expected.shape, input.shape);
        using var diff = (input - expected).abs();
        var mean = diff.mean().item<float>();
        var max = diff.max().item<float>();
        Assert.True(mean <= 0.01, $"mean absolute difference {mean}");
        // PIL's resize is ported, not approximated: the same bytes, so only float rounding of the normalisation remains.
        Assert.True(max <= 1e-5, $"max absolute difference {max}");
    }

    [Fact]
    public void Normalisation_uses_CLIPs_mean_and_std()
    {
        using var image = new Image<Rgb24>(2, 1, new Rgb24(255, 0, 128));
        using var input = ClipPreprocessor.Normalize(image);
        var v = input.data<float>().ToArray();   // [1, 3, 1, 2]
        Assert.Equal((1f - 0.48145466f) / 0.26862954f, v[0], 5);
        Assert.Equal((0f - 0.4578275f) / 0.26130258f, v[2], 5);
        Assert.Equal((128 / 255f - 0.40821073f) / 0.27577711f, v[4], 5);
    }
}
