using ClipSurgeryWeb.Engine.Methods;
using ClipSurgeryWeb.Engine.Tests.Support;
using TorchSharp;
using static TorchSharp.torch;
using Xunit.Abstractions;

namespace ClipSurgeryWeb.Engine.Tests.Methods;

/// <summary>
/// PAMR as NACLIP applies it (<c>naclip.pamr.*</c> goldens: 10 iterations, dilations 8 and 16, on the normalised input
/// at the logits' size, then NACLIP's post-processing): from the golden's own slide logits (PAMR alone) and from ours
/// (end to end). Bounds: METHODS.md's — probabilities 1e-4, predictions ≥ 99.5 % of pixels.
/// </summary>
public sealed class PamrParityTests(MethodsModel fixture, ITestOutputHelper output) : IClassFixture<MethodsModel>
{
    private const double Tolerance = 1e-4;
    private const double PredictionAgreement = 0.995;

    private static readonly string File = MethodsModel.GoldenFile("naclip");

    [Fact]
    public void Pamr_on_the_goldens_slide_logits_gives_its_probabilities_and_predictions()
    {
        using var scope = torch.NewDisposeScope();
        var refined = Pamr.Refine(Golden.Get(File, "input.demo.jpg.x"), Golden.Get(File, "naclip.demo.jpg.slide_logits"));   // [1, 10, 336, 448]
        Check(refined, "demo.jpg", "from the golden's logits", probabilities: true);
    }

    [Theory]
    [InlineData("demo.jpg")]
    [InlineData("bwcat_cat.png")]
    public void Pamr_on_our_slide_logits_matches_nacLIPs_own_code(string image)
    {
        using var scope = torch.NewDisposeScope();
        var x = Golden.Get(File, $"input.{image}.x");
        var logits = SlideInference.Logits(fixture.Model, [DenseMethod.Naclip], x, Golden.Get(File, "naclip.query_features"))[0];   // [1, 10, H, W]
        Check(Pamr.Refine(x, logits), image, "end to end", probabilities: image == "demo.jpg");   // the golden has probs for demo.jpg only
    }

    [Fact]
    public void No_iterations_leave_the_logits_and_a_flat_map_stays_flat()
    {
        using var scope = torch.NewDisposeScope();
        var x = Golden.Get(File, "input.demo.jpg.x");
        var logits = Golden.Get(File, "naclip.demo.jpg.slide_logits");
        Assert.Equal(0f, (Pamr.Refine(x, logits, iterations: 0) - logits).abs().max().item<float>());
        // The affinity is a softmax over the neighbours: a constant map is a fixed point.
        var flat = torch.full([1, 2, 336, 448], 0.25f);
        Assert.True((Pamr.Refine(x, flat) - flat).abs().max().item<float>() < 1e-6);
        // …and it does refine: ten steps move the golden's logits.
        Assert.True((Pamr.Refine(x, logits) - logits).abs().max().item<float>() > 1e-3);
    }

    [Fact]
    public void Many_queries_are_refined_in_chunks_with_the_same_numbers()
    {
        // 30 query maps of 336×448 hold more neighbour values (30 · 16 · 150 528) than one step may (2²⁶), so they go in
        // two chunks; each map must come out as it does among 10.
        using var scope = torch.NewDisposeScope();
        var x = Golden.Get(File, "input.demo.jpg.x");
        var logits = Golden.Get(File, "naclip.demo.jpg.slide_logits");                              // [1, 10, 336, 448]
        var many = torch.cat([logits, logits * 0.5, logits], 1);                                       // [1, 30, 336, 448]
        var few = Pamr.Refine(x, logits, iterations: 1);
        var refined = Pamr.Refine(x, many, iterations: 1);
        Assert.Equal(0f, (refined[.., 20..] - few).abs().max().item<float>());
        Assert.Equal(0f, (refined[.., ..10] - few).abs().max().item<float>());
    }

    [Fact]
    public void An_image_at_another_size_is_resized_to_the_logits_first()
    {
        using var scope = torch.NewDisposeScope();
        var x = Golden.Get(File, "input.demo.jpg.x");                                                 // [1, 3, 336, 448]
        var logits = Golden.Get(File, "naclip.demo.jpg.slide_logits")[.., .., ..168, ..224];         // [1, 10, 168, 224]
        var half = torch.nn.functional.interpolate(x, [168, 224], mode: InterpolationMode.Bilinear, align_corners: false);
        Assert.Equal(0f, (Pamr.Refine(x, logits) - Pamr.Refine(half, logits)).abs().max().item<float>());
        Assert.Equal("pamr", Assert.Throws<EngineInputException>(() => Pamr.Refine(x, logits, dilations: [])).Subject);
    }

    private void Check(Tensor refined, string image, string what, bool probabilities)
    {
        var (pred, probs) = SlideInference.Classify(refined, MethodsModel.QueryClass, DenseMethod.Naclip.Head.LogitScale, renormalise: DenseMethod.Naclip.Head.Renormalises);
        var expected = Golden.Get(File, $"naclip.pamr.{image}.pred").to(ScalarType.Int64);
        Assert.Equal(expected.shape, pred.shape);
        var agreement = expected.eq(pred).to(ScalarType.Float64).mean().item<double>();
        output.WriteLine($"PAMR {what}, {image}: {agreement:P4} of pixels agree");
        Assert.True(agreement >= PredictionAgreement, $"PAMR {what}, {image}: predictions agree on {agreement:P4}, under {PredictionAgreement:P1}");
        if (!probabilities)
            return;
        var expectedProbs = Golden.Get(File, $"naclip.pamr.{image}.probs");
        output.WriteLine($"PAMR {what}, {image}: probs max abs difference {(expectedProbs - probs).abs().max().item<float>():G3}");
        Golden.AssertClose(expectedProbs, probs, Tolerance, $"PAMR {what} probs of {image}");
    }
}
