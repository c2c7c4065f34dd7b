using ClipSurgeryWeb.Engine.Checkpoints;
using ClipSurgeryWeb.Engine.Methods;
using ClipSurgeryWeb.Engine.Models;
using ClipSurgeryWeb.Engine.Tests.Support;
using TorchSharp;
using static TorchSharp.torch;
using Xunit.Abstractions;

namespace ClipSurgeryWeb.Engine.Tests.Methods;

/// <summary>
/// The dense methods' sliding-window head against the goldens NACLIP's and SCLIP's code made: from the golden's own
/// normalised input (<c>input.&lt;image&gt;.x</c>) and query features, our encoding + <see cref="SlideInference"/> with
/// the method's head (<see cref="DenseMethod.Head"/>, checked against the golden's settings by
/// <see cref="MethodGoldenFormatTests"/>) give <c>slide_logits</c> <c>[1, Q, H, W]</c> (1e-4), <c>probs</c> <c>[C, H, W]</c>
/// (1e-4, softmax(scale·logits), max over a class's names, renormalised except for SCLIP, whose code does not) and
/// <c>pred</c> <c>[1, H, W]</c> (identical on ≥ 99.9 % of pixels, the golden's <c>prob_thd</c>) — METHODS.md's bounds.
/// Classes and queries are the golden's <c>names_file</c>'s.
/// </summary>
public sealed class DenseSlideParityTests(MethodsModel fixture, ITestOutputHelper output) : IClassFixture<MethodsModel>
{
    private const double Tolerance = 1e-4;
    private const double PredictionAgreement = 0.999;

    /// <summary>NACLIP's and SCLIP's code: every golden but ClearCLIP's (<see cref="ClearClipParityTests"/>).</summary>
    private static IEnumerable<MethodGolden> Goldens => MethodGolden.All.Where(g => g.Peer != MethodGolden.ClearClipPeer);

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

    [Fact]
    public void The_windows_of_a_336_by_448_image_are_2_by_3_with_the_last_flush_with_the_edge()
    {
        Assert.Equal([0, 112], SlideInference.Starts(336, 224, 112));
        Assert.Equal([0, 112, 224], SlideInference.Starts(448, 224, 112));
        Assert.Equal([0], SlideInference.Starts(224, 224, 112));
        Assert.Equal([0, 112, 126], SlideInference.Starts(350, 224, 112));
    }

    [Theory, MemberData(nameof(MethodsAndLogitImages))]
    public void Slide_logits_and_probabilities_match_the_methods_own_code(string method, string image)
    {
        using var scope = torch.NewDisposeScope();
        var golden = MethodGolden.Of(method);
        var m = MethodOf(method);
        var logits = SlideInference.Logits(fixture.Model, m.DenseEncoding, Golden.Get(golden.TensorFile, $"input.{image}.x"),
            Golden.Get(golden.TensorFile, $"{method}.query_features"), m.Head.Crop, m.Head.Stride);                     // [1, Q, H, W]
        var expected = Golden.Get(golden.TensorFile, $"{method}.{image}.slide_logits");
        output.WriteLine($"{method} {image} slide logits: max abs difference {(expected - logits).abs().max().item<float>():G3}");
        Golden.AssertClose(expected, logits, Tolerance, $"{method} slide logits of {image}");

        var (_, probs) = SlideInference.Classify(logits, golden.QueryClass, m.Head.LogitScale, MethodGolden.SettingsOf(method).ProbThreshold, m.Head.Renormalises);   // [C, H, W]
        var expectedProbs = Golden.Get(golden.TensorFile, $"{method}.{image}.probs");
        output.WriteLine($"{method} {image} probs: max abs difference {(expectedProbs - probs).abs().max().item<float>():G3}");
        Golden.AssertClose(expectedProbs, probs, Tolerance, $"{method} probs of {image}");
    }

    [Theory, MemberData(nameof(MethodsAndImages))]
    public void Predictions_match_the_methods_own_code(string method, string image)
    {
        using var scope = torch.NewDisposeScope();
        var golden = MethodGolden.Of(method);
        var m = MethodOf(method);
        var logits = SlideInference.Logits(fixture.Model, m.DenseEncoding, Golden.Get(golden.TensorFile, $"input.{image}.x"),
            Golden.Get(golden.TensorFile, $"{method}.query_features"), m.Head.Crop, m.Head.Stride);                     // [1, Q, H, W]
        var (pred, _) = SlideInference.Classify(logits, golden.QueryClass, m.Head.LogitScale, MethodGolden.SettingsOf(method).ProbThreshold, m.Head.Renormalises);   // [1, H, W]
        var expected = Golden.Get(golden.TensorFile, $"{method}.{image}.pred").to(ScalarType.Int64);
        Assert.Equal(expected.shape, pred.shape);
        var agreement = expected.eq(pred).to(ScalarType.Float64).mean().item<double>();
        var classes = torch.unique(expected).output.shape[0];
        output.WriteLine($"{method} {image} pred: {agreement:P4} of pixels agree ({classes} classes in the golden)");
        Assert.True(agreement >= PredictionAgreement, $"{method} {image}: predictions agree on {agreement:P4} of pixels, under {PredictionAgreement:P1}");
    }
}
