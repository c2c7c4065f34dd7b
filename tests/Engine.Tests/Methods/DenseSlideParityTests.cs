using ClipSurgeryWeb.Engine.Checkpoints;
using ClipSurgeryWeb.Engine.Methods;
using ClipSurgeryWeb.Engine.Models;
using ClipSurgeryWeb.Engine.Tests.Support;
using TorchSharp;
using static TorchSharp.torch;
using Xunit.Abstractions;

namespace ClipSurgeryWeb.Engine.Tests.Methods;

/// <summary>
/// The dense methods' sliding-window head against their goldens: from the golden's own normalised input
/// (<c>input.&lt;image&gt;.x</c>, short side 336) and query features, our encoding + <see cref="SlideInference"/> give
/// <c>slide_logits</c> <c>[1, 10, H, W]</c> (1e-4), <c>probs</c> <c>[7, H, W]</c> (1e-4, softmax(40·logits), max over a class's
/// names, renormalised except for SCLIP, whose code does not) and <c>pred</c> <c>[1, H, W]</c> (identical on ≥ 99.9 % of pixels) — METHODS.md's bounds.
/// </summary>
public sealed class DenseSlideParityTests(MethodsModel fixture, ITestOutputHelper output) : IClassFixture<MethodsModel>
{
    private const double Tolerance = 1e-4;
    private const double PredictionAgreement = 0.999;

    private static IReadOnlyList<int> QueryClass => MethodsModel.QueryClass;

    private static string GoldenFile(string method) => MethodsModel.GoldenFile(method);

    private static DenseMethod MethodOf(string name) => DenseMethod.All.Single(m => m.Method.Name == name);

    private static DenseEncoding EncodingOf(string method) => MethodOf(method).DenseEncoding;

    public static TheoryData<string> Methods => ["clip_dense", "sclip", "naclip", "kk_reduced"];

    public static TheoryData<string, string> MethodsAndImages()
    {
        var cases = new TheoryData<string, string>();
        foreach (var method in new[] { "clip_dense", "sclip", "naclip", "kk_reduced" })
            foreach (var image in new[] { "demo.jpg", "bwcat_cat.png" })
                cases.Add(method, image);
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

    [Theory, MemberData(nameof(Methods))]
    public void Slide_logits_and_probabilities_match_the_methods_own_code(string method)
    {
        using var scope = torch.NewDisposeScope();
        var file = GoldenFile(method);
        var logits = SlideInference.Logits(fixture.Model, EncodingOf(method), Golden.Get(file, "input.demo.jpg.x"), Golden.Get(file, $"{method}.query_features"));   // [1, 10, 336, 448]
        var expected = Golden.Get(file, $"{method}.demo.jpg.slide_logits");
        output.WriteLine($"{method} slide logits: max abs difference {(expected - logits).abs().max().item<float>():G3}");
        Golden.AssertClose(expected, logits, Tolerance, $"{method} slide logits");

        var (_, probs) = SlideInference.Classify(logits, QueryClass, renormalise: MethodOf(method).RenormalisesProbabilities);                 // [7, 336, 448]
        var expectedProbs = Golden.Get(file, $"{method}.demo.jpg.probs");
        output.WriteLine($"{method} probs: max abs difference {(expectedProbs - probs).abs().max().item<float>():G3}");
        Golden.AssertClose(expectedProbs, probs, Tolerance, $"{method} probs");
    }

    [Theory, MemberData(nameof(MethodsAndImages))]
    public void Predictions_match_the_methods_own_code(string method, string image)
    {
        using var scope = torch.NewDisposeScope();
        var file = GoldenFile(method);
        var logits = SlideInference.Logits(fixture.Model, EncodingOf(method), Golden.Get(file, $"input.{image}.x"), Golden.Get(file, $"{method}.query_features"));
        var (pred, _) = SlideInference.Classify(logits, QueryClass);                 // [1, H, W]
        var expected = Golden.Get(file, $"{method}.{image}.pred").to(ScalarType.Int64);
        Assert.Equal(expected.shape, pred.shape);
        var agreement = expected.eq(pred).to(ScalarType.Float64).mean().item<double>();
        var classes = torch.unique(expected).output.shape[0];
        output.WriteLine($"{method} {image} pred: {agreement:P4} of pixels agree ({classes} classes in the golden)");
        Assert.True(agreement >= PredictionAgreement, $"{method} {image}: predictions agree on {agreement:P4} of pixels, under {PredictionAgreement:P1}");
    }
}
