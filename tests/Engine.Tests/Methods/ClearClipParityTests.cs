using ClipSurgeryWeb.Engine.Methods;
using ClipSurgeryWeb.Engine.Tests.Support;
using TorchSharp;
using static TorchSharp.torch;
using Xunit.Abstractions;

namespace ClipSurgeryWeb.Engine.Tests.Methods;

/// <summary>
/// ClearCLIP and MaskCLIP (as ClearCLIP's code runs it) against the goldens that code made
/// (<c>golden_methods_clearclip.safetensors</c>): crop features of the first 224×224 crop (patch tokens only, not
/// normalised; the model's own grid), and with their own head (one 448/224 window over a 336×448 or 336×336 input, so
/// the position embedding is interpolated bicubically by the methods' scale-factor rule) slide logits, probabilities
/// (max over names, not renormalised) and predictions. Bounds: METHODS.md's (1e-4; predictions ≥ 99.9 %).
/// </summary>
public sealed class ClearClipParityTests(MethodsModel fixture, ITestOutputHelper output) : IClassFixture<MethodsModel>
{
    private const double Tolerance = 1e-4;
    private const double PredictionAgreement = 0.999;

    private static DenseMethod MethodOf(string name) => DenseMethod.All.Single(m => m.Method.Name == name);

    public static TheoryData<string> Methods => ["clearclip", "maskclip"];

    public static TheoryData<string, string> MethodsAndImages()
    {
        var cases = new TheoryData<string, string>();
        foreach (var method in new[] { "clearclip", "maskclip" })
            foreach (var image in new[] { "demo.jpg", "bwcat_cat.png" })
                cases.Add(method, image);
        return cases;
    }

    [Theory, MemberData(nameof(MethodsAndImages))]
    public void Crop_features_match_clearclips_own_code(string method, string image)
    {
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        var file = MethodsModel.GoldenFile(method);
        var crop = Golden.Get(file, $"input.{image}.x")[.., .., ..224, ..224].contiguous();   // [1, 3, 224, 224]
        var features = MethodOf(method).DenseEncoding.Encode(fixture.Model, crop)[.., 1..];   // [1, 197, 64] -> [1, 196, 64]
        var expected = Golden.Get(file, $"{method}.{image}.crop_features");
        output.WriteLine($"{method} {image} crop features: max abs difference {(expected - features).abs().max().item<float>():G3}");
        Golden.AssertClose(expected, features, Tolerance, $"{method} crop features of {image}");
    }

    [Theory, MemberData(nameof(Methods))]
    public void Slide_logits_and_probabilities_match_clearclips_own_code(string method)
    {
        using var scope = torch.NewDisposeScope();
        var file = MethodsModel.GoldenFile(method);
        var m = MethodOf(method);
        var logits = SlideInference.Logits(fixture.Model, [m], Golden.Get(file, "input.demo.jpg.x"), Golden.Get(file, $"{method}.query_features"))[0];   // [1, 10, 336, 448]
        var expected = Golden.Get(file, $"{method}.demo.jpg.slide_logits");
        output.WriteLine($"{method} slide logits: max abs difference {(expected - logits).abs().max().item<float>():G3}");
        Golden.AssertClose(expected, logits, Tolerance, $"{method} slide logits");

        var (_, probs) = SlideInference.Classify(logits, MethodsModel.QueryClass, m.Head.LogitScale, renormalise: m.Head.Renormalises);   // [7, 336, 448]
        var expectedProbs = Golden.Get(file, $"{method}.demo.jpg.probs");
        output.WriteLine($"{method} probs: max abs difference {(expectedProbs - probs).abs().max().item<float>():G3}");
        Golden.AssertClose(expectedProbs, probs, Tolerance, $"{method} probs");
    }

    [Theory, MemberData(nameof(MethodsAndImages))]
    public void Predictions_match_clearclips_own_code(string method, string image)
    {
        using var scope = torch.NewDisposeScope();
        var file = MethodsModel.GoldenFile(method);
        var m = MethodOf(method);
        var logits = SlideInference.Logits(fixture.Model, [m], Golden.Get(file, $"input.{image}.x"), Golden.Get(file, $"{method}.query_features"))[0];
        var (pred, _) = SlideInference.Classify(logits, MethodsModel.QueryClass, m.Head.LogitScale, renormalise: m.Head.Renormalises);   // [1, H, W]
        var expected = Golden.Get(file, $"{method}.{image}.pred").to(ScalarType.Int64);
        Assert.Equal(expected.shape, pred.shape);
        var agreement = expected.eq(pred).to(ScalarType.Float64).mean().item<double>();
        output.WriteLine($"{method} {image} pred: {agreement:P4} of pixels agree ({torch.unique(expected).output.shape[0]} classes in the golden)");
        Assert.True(agreement >= PredictionAgreement, $"{method} {image}: predictions agree on {agreement:P4} of pixels, under {PredictionAgreement:P1}");
    }

    [Fact]
    public void The_two_methods_and_their_last_blocks_differ()
    {
        // Guards the tests above against an encoding that ignores its kind.
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        var crop = Golden.Get(MethodsModel.GoldenFile("clearclip"), "input.demo.jpg.x")[.., .., ..224, ..224].contiguous();
        var clear = DenseEncoding.ClearClip.Encode(fixture.Model, crop);
        var mask = DenseEncoding.MaskClip.Encode(fixture.Model, crop);
        var kk = DenseEncoding.KkReduced.Encode(fixture.Model, crop);
        Assert.True((clear - mask).abs().max().item<float>() > 1e-3);
        Assert.True((clear - kk).abs().max().item<float>() > 1e-3);
    }
}
