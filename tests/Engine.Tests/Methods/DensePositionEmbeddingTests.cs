using ClipSurgeryWeb.Engine.Models;
using TorchSharp;
using static TorchSharp.torch;
using Xunit.Abstractions;

namespace ClipSurgeryWeb.Engine.Tests.Methods;

/// <summary>
/// The dense methods' position-embedding rule for crops off the model's own grid
/// (<see cref="PositionalEmbeddingCache.ResizeBicubic"/>): bicubic (A = −0.75, borders clamped), align_corners false,
/// with the coordinate mapping of the scale factor <c>(g + 0.1)/√N</c>, not of the output size. Checked against a
/// bicubic written out here in double precision from that definition.
/// </summary>
public sealed class DensePositionEmbeddingTests(ITestOutputHelper output)
{
    private const int Side = 14, Channels = 3;

    [Theory]
    [InlineData(21, 28)]
    [InlineData(21, 21)]
    [InlineData(10, 26)]
    public void The_table_is_bicubic_by_the_scale_factors_mapping(int height, int width)
    {
        using var scope = torch.NewDisposeScope();
        var table = torch.randn([1 + Side * Side, Channels], generator: torch.random.manual_seed(12));   // [197, 3]
        var resized = PositionalEmbeddingCache.ResizeBicubic(table, height, width);                      // [1 + h·w, 3]
        Assert.Equal([1 + height * width, Channels], resized.shape);
        Assert.Equal(table[0].data<float>().ToArray(), resized[0].data<float>().ToArray());             // class row kept

        var source = table[1..].data<float>().ToArray();                                                 // [S·S, C] row-major
        var ours = resized[1..].data<float>().ToArray();                                                 // [h·w, C]
        double byScale = 0, bySize = 0;
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
                for (int c = 0; c < Channels; c++)
                {
                    double value = ours[(y * width + x) * Channels + c];
                    byScale = Math.Max(byScale, Math.Abs(value - Bicubic(source, c, y, x, Side / (height + 0.1), Side / (width + 0.1))));
                    bySize = Math.Max(bySize, Math.Abs(value - Bicubic(source, c, y, x, (double)Side / height, (double)Side / width)));
                }
        output.WriteLine($"{height}×{width}: max abs difference {byScale:G3} from the scale-factor mapping, {bySize:G3} from the output-size one");
        Assert.True(byScale < 1e-5, $"{byScale:G3} from bicubic by the scale factor");
        Assert.True(bySize > 1e-3, "the output-size mapping should give other values (else this test could not tell them apart)");
    }

    [Fact]
    public void The_models_own_grid_keeps_its_table_and_other_grids_are_cached()
    {
        using var table = torch.randn([1 + Side * Side, Channels]);
        using var cache = new PositionalEmbeddingCache(() => table);
        Assert.Same(table, cache.ForGrid(Side, Side));
        var wide = cache.ForGrid(21, 28);
        Assert.Same(wide, cache.ForGrid(21, 28));
        Assert.Equal([1 + 21 * 28, Channels], wide.shape);
        Assert.NotSame(wide, cache.ForSide(21));   // CLIP Surgery's square bilinear rule is another table
    }

    [Theory]
    [InlineData(7, 28)]
    [InlineData(28, 7)]
    public void A_grid_with_the_models_token_count_keeps_its_table_whatever_its_shape(int height, int width)
    {
        // The methods' forward tests only x.shape[1] != positional_embedding.shape[0]: 7·28 = 14·14 tokens, no interpolation.
        using var table = torch.randn([1 + Side * Side, Channels]);
        using var cache = new PositionalEmbeddingCache(() => table);
        Assert.Same(table, cache.ForGrid(height, width));
        Assert.NotSame(table, cache.ForGrid(height, width + 1));
    }

    /// <summary>PyTorch's <c>upsample_bicubic2d</c> (align_corners false) at one output cell, <paramref name="scaleY"/>/<paramref name="scaleX"/> = input per output.</summary>
    private static double Bicubic(float[] source, int channel, int y, int x, double scaleY, double scaleX)
    {
        double realY = scaleY * (y + 0.5) - 0.5, realX = scaleX * (x + 0.5) - 0.5;
        int iy = (int)Math.Floor(realY), ix = (int)Math.Floor(realX);
        var wy = Weights(realY - iy);
        var wx = Weights(realX - ix);
        double sum = 0;
        for (int i = 0; i < 4; i++)
            for (int j = 0; j < 4; j++)
            {
                int sy = Math.Clamp(iy - 1 + i, 0, Side - 1), sx = Math.Clamp(ix - 1 + j, 0, Side - 1);
                sum += wy[i] * wx[j] * source[(sy * Side + sx) * Channels + channel];
            }
        return sum;
    }

    /// <summary>Keys' cubic convolution weights (A = −0.75) of the four taps around a fractional offset <paramref name="t"/>.</summary>
    private static double[] Weights(double t)
    {
        const double a = -0.75;
        static double Near(double d) => ((a + 2) * d - (a + 3)) * d * d + 1;                 // |d| ≤ 1
        static double Far(double d) => ((a * d - 5 * a) * d + 8 * a) * d - 4 * a;            // 1 < |d| < 2
        return [Far(t + 1), Near(t), Near(1 - t), Far(2 - t)];
    }
}
