using ClipSurgeryWeb.Engine.Methods;
using ClipSurgeryWeb.Engine.Models;
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

    /// <summary>Every image of every golden, with the golden (its input and query features).</summary>
    public static TheoryData<string, string> GoldensAndImages()
    {
        var cases = new TheoryData<string, string>();
        foreach (var golden in MethodGolden.All)
            foreach (var image in golden.Images)
                cases.Add(golden.Name, image);
        return cases;
    }

    /// <summary>Each golden with each image whose slide logits it holds for every one of its methods.</summary>
    public static TheoryData<string, string> GoldensAndLogitImages()
    {
        var cases = new TheoryData<string, string>();
        foreach (var golden in MethodGolden.All)
            foreach (var image in golden.Images.Where(i => golden.Methods.All(m => golden.Has($"{m.Name}.{i}.slide_logits"))))
                cases.Add(golden.Name, image);
        return cases;
    }

    private static MethodGolden GoldenNamed(string name) => MethodGolden.All.Single(g => g.Name == name);

    [Theory, MemberData(nameof(GoldensAndImages))]
    public void Every_method_gets_what_it_gets_alone_in_the_order_asked(string golden, string image)
    {
        using var scope = torch.NewDisposeScope();
        var file = GoldenNamed(golden).TensorFile;
        var x = Golden.Get(file, $"input.{image}.x");                                                // [1, 3, H, W]
        var queries = Golden.Get(file, $"{GoldenNamed(golden).Methods[0].Name}.query_features");     // [Q, D]
        // Mixed order, two heads (224/112 and 448/224), so grouping must not reorder the results.
        DenseMethod[] methods = [DenseMethod.MaskClip, DenseMethod.Naclip, DenseMethod.ClipDense, DenseMethod.ClearClip, DenseMethod.Sclip, DenseMethod.KkReduced];
        var together = SlideInference.Logits(fixture.Model, methods, x, queries);
        Assert.Equal(methods.Length, together.Count);
        for (int i = 0; i < methods.Length; i++)
        {
            var m = methods[i];
            var alone = SlideInference.Logits(fixture.Model, m.DenseEncoding, x, queries, m.Head.Crop, m.Head.Stride);   // [1, Q, H, W]
            Assert.Equal(alone.shape, together[i].shape);
            var worst = (alone - together[i]).abs().max().item<float>();
            output.WriteLine($"{m.Method.Name} {image}: together vs alone max abs difference {worst:G3}");
            Assert.True(worst <= SameAsAlone, $"{m.Method.Name} on {image}: {worst:G3} from its own run");
        }
        // Distinct maps: a result list that repeated one method would pass the loop above only if all methods agreed.
        Assert.True((together[0] - together[1]).abs().max().item<float>() > 1e-3);
    }

    [Theory, MemberData(nameof(GoldensAndLogitImages))]
    public void Together_the_methods_match_their_own_codes_goldens(string golden, string image)
    {
        using var scope = torch.NewDisposeScope();
        var meta = GoldenNamed(golden);
        var names = meta.Methods.Select(m => m.Name).ToList();
        var methods = names.Select(n => DenseMethod.All.Single(m => m.Method.Name == n)).ToList();
        var logits = SlideInference.Logits(fixture.Model, methods, Golden.Get(meta.TensorFile, $"input.{image}.x"), Golden.Get(meta.TensorFile, $"{names[0]}.query_features"));
        for (int i = 0; i < names.Count; i++)
        {
            var expected = Golden.Get(meta.TensorFile, $"{names[i]}.{image}.slide_logits");
            output.WriteLine($"{names[i]} {image} together: slide logits max abs difference {(expected - logits[i]).abs().max().item<float>():G3}");
            Golden.AssertClose(expected, logits[i], Tolerance, $"{names[i]} slide logits of {image} (together)");
        }
    }

    [Fact]
    public void A_window_off_the_patch_grid_is_padded_as_clearclips_code_does()
    {
        // One window of the golden's first image, cut to at most one crop and to a width 6 pixels short of whole
        // patches: ClearCLIP pads 3 + 3 columns (and the rows to whole patches) with zeros, encodes the padded window,
        // resizes its logits to the padded size and cuts the padding off.
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        var golden = MethodGolden.Of("clearclip");
        var head = DenseMethod.ClearClip.Head;
        int patch = ((VisionTransformer)fixture.Model.Visual).PatchSize;
        var input = Golden.Get(golden.TensorFile, $"input.{golden.Images[0]}.x");                 // [1, 3, H, W]
        int h = (int)Math.Min(input.shape[2], head.Crop);
        int w = (int)Math.Min(input.shape[3], head.Crop) / patch * patch - 6;
        var x = input[.., .., ..h, ..w].contiguous();                                            // [1, 3, h, w]
        var queries = Golden.Get(golden.TensorFile, "clearclip.query_features");                 // [Q, D]
        var logits = SlideInference.Logits(fixture.Model, [DenseMethod.ClearClip], x, queries)[0];   // [1, Q, h, w]

        int rows = (patch - h % patch) % patch, top = rows / 2;
        var padded = torch.nn.functional.pad(x, [3, 3, top, rows - top]);                        // [1, 3, h', w + 6]
        long gh = padded.shape[2] / patch, gw = padded.shape[3] / patch;
        var patches = DenseEncoding.ClearClip.Encode(fixture.Model, padded)[0, 1..];             // [gh·gw, D]
        patches = patches / patches.norm(-1, keepdim: true);
        var grid = patches.matmul(queries.t()).t().reshape(1, queries.shape[0], gh, gw);         // [gh·gw, Q] -> [Q, gh·gw] -> [1, Q, gh, gw]
        var expected = torch.nn.functional.interpolate(grid, [padded.shape[2], padded.shape[3]], mode: InterpolationMode.Bilinear, align_corners: false)
            [.., .., top..(top + h), 3..(3 + w)];                                                // [1, Q, h, w]
        Assert.Equal(expected.shape, logits.shape);
        var worst = (expected - logits).abs().max().item<float>();
        output.WriteLine($"padded {h}×{w} window: max abs difference {worst:G3}");
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
