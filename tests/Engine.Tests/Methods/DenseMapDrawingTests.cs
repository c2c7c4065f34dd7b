using ClipSurgeryWeb.Engine.Checkpoints;
using ClipSurgeryWeb.Engine.Explaining;
using ClipSurgeryWeb.Engine.Hosting;
using ClipSurgeryWeb.Engine.Methods;
using ClipSurgeryWeb.Engine.Tests.Support;
using ClipSurgeryWeb.Engine.Tokenization;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;
using Xunit.Abstractions;

namespace ClipSurgeryWeb.Engine.Tests.Methods;

/// <summary>
/// A dense method's heatmap, through the explainer as the results grid gets it: per target, the method's patch
/// features (L2 per token, as its segmentation reads them) · the target's text feature, min–max normalised to 0…1 over
/// the patches and resized bilinearly (align_corners false) to the image, as the reference's <c>get_similarity_map</c>.
/// Computed here independently from the encoder's raw tokens.
/// </summary>
public sealed class DenseMapDrawingTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData("naclip")]
    [InlineData("clearclip")]
    public void A_dense_methods_map_is_its_patch_logits_min_max_normalised_and_resized(string method)
    {
        const int height = 120, width = 150;
        string[] labels = ["cat", "sky", "bench"];
        using var explainer = ClipExplainer.Load(MethodsModel.CheckpointPath, ClipTokenizer.FromFile(Shared.Vocab), new EngineOptions(DevicePreference.Cpu), Activation.QuickGelu);
        using var scope = torch.NewDisposeScope();
        var golden = MethodGolden.Of(method);
        int side = explainer.Model.Visual.InputResolution, grid = side / explainer.Model.Config.VisionPatchSize!.Value;
        var x = Golden.Get(golden.TensorFile, $"input.{golden.Images[0]}.x")[.., .., ..side, ..side].contiguous();   // [1, 3, R, R]
        var request = new ExplainRequest(labels, ["cat"], null, [new MapMethod(method)]);
        var map = explainer.Explain(r => x.clone(), height, width, request).Maps.Single();
        Assert.Equal((new MapMethod(method), "cat", grid), (map.Method, map.Target, map.Side));

        var encoding = DenseMethod.All.Single(m => m.Method.Name == method).DenseEncoding;
        var patches = encoding.Encode(explainer.Model, x)[0, 1..];                       // [N, D]
        var text = explainer.Text.Encode(labels, torch.CPU)[0];                            // [D], "cat"
        var cosine = (patches / patches.norm(-1, keepdim: true)).matmul(text);             // [N]
        var unit = (cosine - cosine.min()) / (cosine.max() - cosine.min());
        var expected = F.interpolate(unit.reshape(1, 1, grid, grid), [height, width], mode: InterpolationMode.Bilinear, align_corners: false).flatten();   // [H·W]
        var drawn = torch.tensor(map.Render());
        var worst = (expected - drawn).abs().max().item<float>();
        output.WriteLine($"{method}: drawn map vs independent max abs difference {worst:G3}");
        Assert.True(worst < 1e-5, $"{method}: drawn map differs by {worst:G3}");
        Assert.Equal((0f, 1f), (map.Grid.Min(), map.Grid.Max()));                          // the grid spans 0…1

        // CLIP Surgery's token-axis normalisation would draw another map: this test tells the two apart.
        var tokens = encoding.Encode(explainer.Model, x);                                   // [1, 1+N, D]
        var overTokens = (tokens / tokens.norm(1, keepdim: true))[0, 1..].matmul(text);     // [N]
        var other = (overTokens - overTokens.min()) / (overTokens.max() - overTokens.min());
        Assert.True((other - unit).abs().max().item<float>() > 1e-3);
    }
}
