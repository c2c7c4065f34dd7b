using ClipSurgeryWeb.Engine.Methods;
using ClipSurgeryWeb.Engine.Tests.Support;
using TorchSharp;
using static TorchSharp.torch;
using Xunit.Abstractions;

namespace ClipSurgeryWeb.Engine.Tests.Methods;

/// <summary>
/// The methods of ClearCLIP's code (ClearCLIP, MaskCLIP as that code runs it) against the goldens it made
/// (<see cref="MethodGolden"/> of peer ClearCLIP): crop features of the first square crop (patch tokens only, not
/// normalised, as that code returns them; the crop's side from their count), and with their own head (<see cref="DenseHead.Wide"/>:
/// windows larger than the model's grid, so the position embedding is interpolated bicubically by the methods'
/// scale-factor rule) slide logits, probabilities (max over names, not renormalised) and predictions, with the golden's
/// classes and <c>prob_thd</c>. Bounds: METHODS.md's (1e-4; predictions ≥ 99.9 %).
/// </summary>
public sealed class ClearClipParityTests(MethodsModel fixture, ITestOutputHelper output) : IClassFixture<MethodsModel>
{
    private const double Tolerance = 1e-4;
    private const double PredictionAgreement = 0.999;

    private static IEnumerable<MethodGolden> Goldens => MethodGolden.All.Where(g => g.Peer == MethodGolden.ClearClipPeer);

    private static DenseMethod MethodOf(string name) => DenseMethod.All.Single(m => m.Method.Name == name);

    /// <summary>Each method with each image whose slide logits its golden holds.</summary>
    public static TheoryData<string, string> MethodsAndLogitImages()
    {
        var cases = new TheoryData<string, string>();
        foreach (var golden in Goldens)
            foreach (var method in golden.Methods)
                foreach (var image in golden.Images.Where(i => golden.Has($"{method.Name}.{i}.slide_logits")))
                    cases.Add(method.Name, image);
        return cases;
    }

    /// <summary>Each method with every image of its golden.</summary>
    public static TheoryData<string, string> MethodsAndImages()
    {
        var cases = new TheoryData<string, string>();
        foreach (var golden in Goldens)
            foreach (var method in golden.Methods)
                foreach (var image in golden.Images)
                    cases.Add(method.Name, image);
        return cases;
    }

    [Theory, MemberData(nameof(MethodsAndImages))]
    public void Crop_features_match_clearclips_own_code(string method, string image)
    {
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        var file = MethodGolden.Of(method).TensorFile;
        var expected = Golden.Get(file, $"{method}.{image}.crop_features");                     // [1, N, D]
        int crop = fixture.CropSide(expected.shape[1]);
        var x = Golden.Get(file, $"input.{image}.x")[.., .., ..crop, ..crop].contiguous();      // [1, 3, S, S]
        var features = MethodOf(method).DenseEncoding.Encode(fixture.Model, x)[.., 1..];         // [1, 1+N, D] -> [1, N, D]
        output.WriteLine($"{method} {image} crop features: max abs difference {(expected - features).abs().max().item<float>():G3}");
        Golden.AssertClose(expected, features, Tolerance, $"{method} crop features of {image}");
    }

    [Theory, MemberData(nameof(MethodsAndLogitImages))]
    public void Slide_logits_and_probabilities_match_clearclips_own_code(string method, string image)
    {
        using var scope = torch.NewDisposeScope();
        var golden = MethodGolden.Of(method);
        var m = MethodOf(method);
        var logits = SlideInference.Logits(fixture.Model, [m], Golden.Get(golden.TensorFile, $"input.{image}.x"), Golden.Get(golden.TensorFile, $"{method}.query_features"))[0];   // [1, Q, H, W]
        var expected = Golden.Get(golden.TensorFile, $"{method}.{image}.slide_logits");
        output.WriteLine($"{method} {image} slide logits: max abs difference {(expected - logits).abs().max().item<float>():G3}");
        Golden.AssertClose(expected, logits, Tolerance, $"{method} slide logits of {image}");

        var (_, probs) = SlideInference.Classify(logits, golden.QueryClass, m.Head.LogitScale, MethodGolden.SettingsOf(method).ProbThreshold, m.Head.Renormalises);   // [C, H, W]
        var expectedProbs = Golden.Get(golden.TensorFile, $"{method}.{image}.probs");
        output.WriteLine($"{method} {image} probs: max abs difference {(expectedProbs - probs).abs().max().item<float>():G3}");
        Golden.AssertClose(expectedProbs, probs, Tolerance, $"{method} probs of {image}");
    }

    [Theory, MemberData(nameof(MethodsAndImages))]
    public void Predictions_match_clearclips_own_code(string method, string image)
    {
        using var scope = torch.NewDisposeScope();
        var golden = MethodGolden.Of(method);
        var m = MethodOf(method);
        var logits = SlideInference.Logits(fixture.Model, [m], Golden.Get(golden.TensorFile, $"input.{image}.x"), Golden.Get(golden.TensorFile, $"{method}.query_features"))[0];   // [1, Q, H, W]
        var (pred, _) = SlideInference.Classify(logits, golden.QueryClass, m.Head.LogitScale, MethodGolden.SettingsOf(method).ProbThreshold, m.Head.Renormalises);   // [1, H, W]
        var expected = Golden.Get(golden.TensorFile, $"{method}.{image}.pred").to(ScalarType.Int64);
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
        var golden = MethodGolden.Of("clearclip");
        int side = fixture.Model.Visual.InputResolution;
        var crop = Golden.Get(golden.TensorFile, $"input.{golden.Images[0]}.x")[.., .., ..side, ..side].contiguous();   // [1, 3, R, R]
        var clear = DenseEncoding.ClearClip.Encode(fixture.Model, crop);
        var mask = DenseEncoding.MaskClip.Encode(fixture.Model, crop);
        var kk = DenseEncoding.KkReduced.Encode(fixture.Model, crop);
        Assert.True((clear - mask).abs().max().item<float>() > 1e-3);
        Assert.True((clear - kk).abs().max().item<float>() > 1e-3);
    }
}
