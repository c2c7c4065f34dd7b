using ClipSurgeryWeb.Engine.Methods;
using ClipSurgeryWeb.Engine.Tests.Support;
using TorchSharp;
using static TorchSharp.torch;
using Xunit.Abstractions;

namespace ClipSurgeryWeb.Engine.Tests.Methods;

/// <summary>
/// The whole-image head (<see cref="DenseHead.AsWholeImage"/>, NACLIP's <c>slide_crop=0</c>: its <c>forward_feature</c>
/// on the whole input) against an independent computation here: the NACLIP encoding of the whole, unpadded input, per-token
/// L2 of the patch tokens, @ queriesᵀ, reshaped to the ⌊H/16⌋×⌊W/16⌋ grid, bilinear (align_corners false) to the input size.
/// </summary>
public sealed class WholeImageHeadTests(MethodsModel fixture, ITestOutputHelper output) : IClassFixture<MethodsModel>
{
    private const double Tolerance = 1e-5;

    [Theory]
    [InlineData(0)]    // the golden's own input (short side 336: 336×448 for demo.jpg, a 21×28 grid)
    [InlineData(38)]   // 38 columns fewer: a width no multiple of 16 when the input's is one (the convolution drops the rest)
    public void NACLIP_whole_image_logits_are_one_forward_pass_of_the_unpadded_input(int cut)
    {
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        var golden = MethodGolden.Of("naclip");
        var file = golden.TensorFile;
        var input = Golden.Get(file, $"input.{golden.Images[0]}.x");                     // [1, 3, H, W]
        int height = (int)input.shape[2], width = (int)input.shape[3] - cut;
        var x = input[.., .., .., ..width].contiguous();                                  // [1, 3, H, W']
        var queries = Golden.Get(file, "naclip.query_features");                           // [Q, D]
        int q = (int)queries.shape[0], patch = ((ClipSurgeryWeb.Engine.Models.VisionTransformer)fixture.Model.Visual).PatchSize;

        var logits = SlideInference.Logits(fixture.Model, [(DenseMethod.Naclip, DenseMethod.Naclip.Head.AsWholeImage())], x, queries)[0];   // [1, Q, H, W']

        var tokens = DenseEncoding.Naclip.Encode(fixture.Model, x);                        // [1, 1+N, D]
        var patches = tokens[0, 1..];                                                      // [N, D]
        patches = patches / patches.norm(-1, keepdim: true);
        long gh = height / patch, gw = width / patch;
        Assert.Equal(gh * gw, patches.shape[0]);
        var grid = patches.matmul(queries.t()).t().reshape(1, q, gh, gw);                  // [N, Q] -> [Q, N] -> [1, Q, gh, gw]
        var expected = torch.nn.functional.interpolate(grid, [height, width], mode: InterpolationMode.Bilinear, align_corners: false);   // [1, Q, H, W']

        Assert.Equal(expected.shape, logits.shape);
        var worst = (expected - logits).abs().max().item<float>();
        output.WriteLine($"whole image {height}×{width}: max abs difference {worst:G3}");
        Assert.True(worst <= Tolerance, $"whole-image logits differ by {worst:G3}");

        // And not what the sliding head gives: the test tells the two modes apart.
        var slide = SlideInference.Logits(fixture.Model, [DenseMethod.Naclip], x, queries)[0];
        Assert.True((slide - logits).abs().max().item<float>() > 1e-3, "the whole-image head gave the slide logits");
    }

    [Fact]
    public void A_whole_image_head_shares_no_windows_with_a_slide_head_and_keeps_each_methods_numbers()
    {
        using var scope = torch.NewDisposeScope();
        var golden = MethodGolden.Of("naclip");
        var file = golden.TensorFile;
        var x = Golden.Get(file, $"input.{golden.Images[0]}.x");                           // [1, 3, H, W]
        var queries = Golden.Get(file, "naclip.query_features");
        var whole = DenseMethod.Naclip.Head.AsWholeImage();
        var together = SlideInference.Logits(fixture.Model,
            [(DenseMethod.Naclip, whole), (DenseMethod.Sclip, DenseMethod.Sclip.Head), (DenseMethod.KkReduced, whole)], x, queries);
        var naclip = SlideInference.Logits(fixture.Model, [(DenseMethod.Naclip, whole)], x, queries)[0];
        var sclip = SlideInference.Logits(fixture.Model, DenseMethod.Sclip.DenseEncoding, x, queries);
        var kk = SlideInference.Logits(fixture.Model, [(DenseMethod.KkReduced, whole)], x, queries)[0];
        Assert.True((together[0] - naclip).abs().max().item<float>() <= 1e-6);
        Assert.True((together[1] - sclip).abs().max().item<float>() <= 1e-6);
        Assert.True((together[2] - kk).abs().max().item<float>() <= 1e-6);
    }

    [Fact]
    public void A_head_with_no_window_rule_is_refused()
    {
        using var image = torch.zeros(1, 3, 64, 64);
        using var queries = torch.zeros(10, 64);
        var refused = Assert.Throws<EngineInputException>(() =>
            SlideInference.Logits(fixture.Model, [(DenseMethod.Naclip, DenseMethod.Naclip.Head with { Stride = 0 })], image, queries));
        Assert.Equal("head", refused.Subject);
        Assert.Contains("is no window", refused.Reason);
        Assert.True(DenseMethod.Naclip.Head.AsWholeImage().IsWholeImage);
        Assert.False(DenseMethod.ClearClip.Head.AsWholeImage().PadsCrops);
    }
}
