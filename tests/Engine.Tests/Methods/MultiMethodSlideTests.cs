using ClipSurgeryWeb.Engine.Methods;
using ClipSurgeryWeb.Engine.Tests.Support;
using TorchSharp;
using static TorchSharp.torch;
using Xunit.Abstractions;

namespace ClipSurgeryWeb.Engine.Tests.Methods;

/// <summary>
/// <see cref="SlideInference.Logits(Models.ClipModel, IReadOnlyList{DenseMethod}, Tensor, Tensor)"/>: several methods
/// on one image, sharing crops and the first L−1 blocks, give each method what it gives alone (the single-encoding
/// entry) and what its own code gave (the goldens, 1e-4), one map per method in the order asked.
/// </summary>
public sealed class MultiMethodSlideTests(MethodsModel fixture, ITestOutputHelper output) : IClassFixture<MethodsModel>
{
    private const double Tolerance = 1e-4;

    /// <summary>The shared trunk must not change a method's numbers beyond float rounding.</summary>
    private const double SameAsAlone = 1e-6;

    [Theory]
    [InlineData("demo.jpg")]
    [InlineData("bwcat_cat.png")]
    public void Every_method_gets_what_it_gets_alone_in_the_order_asked(string image)
    {
        using var scope = torch.NewDisposeScope();
        var file = MethodsModel.GoldenFile("naclip");
        var x = Golden.Get(file, $"input.{image}.x");                            // [1, 3, 336, W]
        var queries = Golden.Get(file, "naclip.query_features");                 // [10, 64]
        // Mixed order, two heads (224/112 and 448/224), so grouping must not reorder the results.
        DenseMethod[] methods = [DenseMethod.MaskClip, DenseMethod.Naclip, DenseMethod.ClipDense, DenseMethod.ClearClip, DenseMethod.Sclip, DenseMethod.KkReduced];
        var together = SlideInference.Logits(fixture.Model, methods, x, queries);
        Assert.Equal(methods.Length, together.Count);
        for (int i = 0; i < methods.Length; i++)
        {
            var m = methods[i];
            var alone = SlideInference.Logits(fixture.Model, m.DenseEncoding, x, queries, m.Head.Crop, m.Head.Stride);   // [1, 10, 336, W]
            Assert.Equal(alone.shape, together[i].shape);
            var worst = (alone - together[i]).abs().max().item<float>();
            output.WriteLine($"{m.Method.Name} {image}: together vs alone max abs difference {worst:G3}");
            Assert.True(worst <= SameAsAlone, $"{m.Method.Name} on {image}: {worst:G3} from its own run");
        }
        // Distinct maps: a result list that repeated one method would pass the loop above only if all methods agreed.
        Assert.True((together[0] - together[1]).abs().max().item<float>() > 1e-3);
    }

    [Theory]
    [InlineData("golden_methods_naclip.safetensors", "naclip", "clip_dense", "kk_reduced")]
    [InlineData("golden_methods_sclip.safetensors", "sclip")]
    [InlineData("golden_methods_clearclip.safetensors", "clearclip", "maskclip")]
    public void Together_the_methods_match_their_own_codes_goldens(string golden, params string[] names)
    {
        using var scope = torch.NewDisposeScope();
        var file = Path.Combine("methods", golden);
        var methods = names.Select(n => DenseMethod.All.Single(m => m.Method.Name == n)).ToList();
        var logits = SlideInference.Logits(fixture.Model, methods, Golden.Get(file, "input.demo.jpg.x"), Golden.Get(file, $"{names[0]}.query_features"));
        for (int i = 0; i < names.Length; i++)
        {
            var expected = Golden.Get(file, $"{names[i]}.demo.jpg.slide_logits");
            output.WriteLine($"{names[i]} together: slide logits max abs difference {(expected - logits[i]).abs().max().item<float>():G3}");
            Golden.AssertClose(expected, logits[i], Tolerance, $"{names[i]} slide logits (together)");
        }
    }

    [Fact]
    public void A_window_off_the_patch_grid_is_padded_as_clearclips_code_does()
    {
        // 336×410: one 448/224 window of 336×410; 410 is not a multiple of 16, so ClearCLIP pads 3 + 3 columns with
        // zeros, encodes 336×416 (a 21×26 grid), resizes its logits to 336×416 and cuts columns 3…412.
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        var file = MethodsModel.GoldenFile("clearclip");
        var x = Golden.Get(file, "input.demo.jpg.x")[.., .., .., ..410].contiguous();   // [1, 3, 336, 410]
        var queries = Golden.Get(file, "clearclip.query_features");                       // [10, 64]
        var logits = SlideInference.Logits(fixture.Model, [DenseMethod.ClearClip], x, queries)[0];   // [1, 10, 336, 410]

        var padded = torch.nn.functional.pad(x, [3, 3, 0, 0]);                             // [1, 3, 336, 416]
        var patches = DenseEncoding.ClearClip.Encode(fixture.Model, padded)[0, 1..];       // [546, 64]
        patches = patches / patches.norm(-1, keepdim: true);
        var grid = patches.matmul(queries.t()).t().reshape(1, 10, 21, 26);                 // [546, 10] -> [10, 546] -> [1, 10, 21, 26]
        var expected = torch.nn.functional.interpolate(grid, [336, 416], mode: InterpolationMode.Bilinear, align_corners: false)[.., .., .., 3..413];   // [1, 10, 336, 410]
        Assert.Equal(expected.shape, logits.shape);
        var worst = (expected - logits).abs().max().item<float>();
        output.WriteLine($"padded window: max abs difference {worst:G3}");
        Assert.True(worst <= SameAsAlone, $"padded window differs by {worst:G3}");
    }

    [Fact]
    public void A_resnet_and_an_empty_list_are_refused()
    {
        using var resnet = TinyModels.ResNet();
        using var image = torch.zeros(1, 3, 224, 224);
        using var queries = torch.zeros(2, resnet.Config.EmbedDim);
        var refused = Assert.Throws<EngineInputException>(() => SlideInference.Logits(resnet, [DenseMethod.ClearClip], image, queries));
        Assert.Contains("'clearclip' needs a ViT", refused.Reason);
        Assert.Equal("methods", Assert.Throws<EngineInputException>(() => SlideInference.Logits(fixture.Model, Array.Empty<DenseMethod>(), image, queries)).Subject);
    }
}
