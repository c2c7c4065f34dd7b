using ClipSurgeryWeb.Engine.Methods;
using ClipSurgeryWeb.Engine.Tests.Support;
using TorchSharp;
using static TorchSharp.torch;
using Xunit.Abstractions;

namespace ClipSurgeryWeb.Engine.Tests.Methods;

/// <summary>
/// PAMR as NACLIP applies it (<c>&lt;method&gt;.pamr.*</c> goldens of every method whose settings name PAMR steps:
/// the golden's iterations and dilations, on the normalised input at the logits' size, then the method's
/// post-processing with the golden's classes): from the golden's own slide logits (PAMR alone) and from ours (end to
/// end). Bounds: METHODS.md's — probabilities 1e-4, predictions ≥ 99.5 % of pixels.
/// </summary>
public sealed class PamrParityTests(MethodsModel fixture, ITestOutputHelper output) : IClassFixture<MethodsModel>
{
    private const double Tolerance = 1e-4;
    private const double PredictionAgreement = 0.995;

    /// <summary>2²⁶ neighbour values (256 MB): more query maps than this would make NACLIP's stacked <c>[B, Q, 8·|d|, H, W]</c> step large.</summary>
    private const long StackedBound = 1L << 26;

    private static IEnumerable<(MethodGolden Golden, GoldenMethodSettings Method)> Refined =>
        MethodGolden.EveryMethod().Where(p => p.Method.PamrIterations is not null);

    /// <summary>Each refined method with each image whose golden holds its slide logits and PAMR's probabilities.</summary>
    public static TheoryData<string, string> LogitImages()
    {
        var cases = new TheoryData<string, string>();
        foreach (var (golden, method) in Refined)
            foreach (var image in golden.Images.Where(i => golden.Has($"{method.Name}.{i}.slide_logits") && golden.Has($"{method.Name}.pamr.{i}.probs")))
                cases.Add(method.Name, image);
        return cases;
    }

    /// <summary>Each refined method with every image of its golden.</summary>
    public static TheoryData<string, string> Images()
    {
        var cases = new TheoryData<string, string>();
        foreach (var (golden, method) in Refined)
            foreach (var image in golden.Images)
                cases.Add(method.Name, image);
        return cases;
    }

    /// <summary>A refined method's golden, an image of it with slide logits, and those logits <c>[1, Q, H, W]</c>.</summary>
    private static (MethodGolden Golden, string Method, Tensor Image, Tensor Logits) FirstLogits()
    {
        var (golden, method) = Refined.First();
        var image = golden.Images.First(i => golden.Has($"{method.Name}.{i}.slide_logits"));
        return (golden, method.Name, Golden.Get(golden.TensorFile, $"input.{image}.x"), Golden.Get(golden.TensorFile, $"{method.Name}.{image}.slide_logits"));
    }

    private static Tensor Refine(string method, Tensor x, Tensor logits)
    {
        var settings = MethodGolden.SettingsOf(method);
        return Pamr.Refine(x, logits, settings.PamrIterations!.Value, settings.PamrDilations);
    }

    [Theory, MemberData(nameof(LogitImages))]
    public void Pamr_on_the_goldens_slide_logits_gives_its_probabilities_and_predictions(string method, string image)
    {
        using var scope = torch.NewDisposeScope();
        var file = MethodGolden.Of(method).TensorFile;
        var refined = Refine(method, Golden.Get(file, $"input.{image}.x"), Golden.Get(file, $"{method}.{image}.slide_logits"));   // [1, Q, H, W]
        Check(method, refined, image, "from the golden's logits");
    }

    [Theory, MemberData(nameof(Images))]
    public void Pamr_on_our_slide_logits_matches_the_methods_own_code(string method, string image)
    {
        using var scope = torch.NewDisposeScope();
        var file = MethodGolden.Of(method).TensorFile;
        var x = Golden.Get(file, $"input.{image}.x");
        var m = DenseMethod.All.Single(d => d.Method.Name == method);
        var logits = SlideInference.Logits(fixture.Model, [m], x, Golden.Get(file, $"{method}.query_features"))[0];   // [1, Q, H, W]
        Check(method, Refine(method, x, logits), image, "end to end");
    }

    [Fact]
    public void No_iterations_leave_the_logits_and_a_flat_map_stays_flat()
    {
        using var scope = torch.NewDisposeScope();
        var (_, _, x, logits) = FirstLogits();
        Assert.Equal(0f, (Pamr.Refine(x, logits, iterations: 0) - logits).abs().max().item<float>());
        // The affinity is a softmax over the neighbours: a constant map is a fixed point.
        var flat = torch.full([1, 2, logits.shape[2], logits.shape[3]], 0.25f);                    // [1, 2, H, W]
        Assert.True((Pamr.Refine(x, flat) - flat).abs().max().item<float>() < 1e-6);
        // …and it does refine: the default steps move the golden's logits.
        Assert.True((Pamr.Refine(x, logits) - logits).abs().max().item<float>() > 1e-3);
    }

    [Fact]
    public void Many_query_maps_are_each_refined_as_they_are_alone()
    {
        // Enough copies of the query maps that a stacked step's neighbour values (copies · Q · 8·|d| · H · W) would pass
        // 256 MB; each map is refined on its own, so the first and the last copy must come out as the maps do alone.
        using var scope = torch.NewDisposeScope();
        var (_, _, x, logits) = FirstLogits();                                                       // [1, Q, H, W]
        long perCopy = logits.shape[1] * 8 * Pamr.DefaultDilations.Count * logits.shape[2] * logits.shape[3];
        int copies = (int)(StackedBound / perCopy) + 2;
        var many = torch.cat([logits, .. Enumerable.Repeat(logits * 0.5, copies - 2), logits], 1);   // [1, copies·Q, H, W]
        Assert.True(many.shape[1] * perCopy / logits.shape[1] > StackedBound);
        var few = Pamr.Refine(x, logits, iterations: 1);
        var refined = Pamr.Refine(x, many, iterations: 1);
        var q = (int)logits.shape[1];
        Assert.Equal(0f, (refined[.., ^q..] - few).abs().max().item<float>());
        Assert.Equal(0f, (refined[.., ..q] - few).abs().max().item<float>());
    }

    [Fact]
    public void An_image_at_another_size_is_resized_to_the_logits_first()
    {
        using var scope = torch.NewDisposeScope();
        var (_, _, x, full) = FirstLogits();                                                         // [1, 3, H, W], [1, Q, H, W]
        long h = full.shape[2] / 2, w = full.shape[3] / 2;
        var logits = full[.., .., ..(int)h, ..(int)w];                                               // [1, Q, H/2, W/2]
        var half = torch.nn.functional.interpolate(x, [h, w], mode: InterpolationMode.Bilinear, align_corners: false);
        Assert.Equal(0f, (Pamr.Refine(x, logits) - Pamr.Refine(half, logits)).abs().max().item<float>());
        Assert.Equal("pamr", Assert.Throws<EngineInputException>(() => Pamr.Refine(x, logits, dilations: [])).Subject);
    }

    /// <summary>The refined logits' predictions against the golden's, and its probabilities where the golden holds them.</summary>
    private void Check(string method, Tensor refined, string image, string what)
    {
        var golden = MethodGolden.Of(method);
        var head = DenseMethod.All.Single(d => d.Method.Name == method).Head;
        var (pred, probs) = SlideInference.Classify(refined, golden.QueryClass, head.LogitScale, MethodGolden.SettingsOf(method).ProbThreshold, head.Renormalises);
        var expected = Golden.Get(golden.TensorFile, $"{method}.pamr.{image}.pred").to(ScalarType.Int64);
        Assert.Equal(expected.shape, pred.shape);
        var agreement = expected.eq(pred).to(ScalarType.Float64).mean().item<double>();
        output.WriteLine($"{method} PAMR {what}, {image}: {agreement:P4} of pixels agree");
        Assert.True(agreement >= PredictionAgreement, $"{method} PAMR {what}, {image}: predictions agree on {agreement:P4}, under {PredictionAgreement:P1}");
        if (!golden.Has($"{method}.pamr.{image}.probs"))
            return;   // the golden holds PAMR's probabilities for some images only (MethodGoldenFormatTests: at least one)
        var expectedProbs = Golden.Get(golden.TensorFile, $"{method}.pamr.{image}.probs");
        output.WriteLine($"{method} PAMR {what}, {image}: probs max abs difference {(expectedProbs - probs).abs().max().item<float>():G3}");
        Golden.AssertClose(expectedProbs, probs, Tolerance, $"{method} PAMR {what} probs of {image}");
    }
}
