using System.Text.Json;
using ClipSurgeryWeb.Engine.Opinions;
using ClipSurgeryWeb.Engine.Tests.Support;
using TorchSharp;
using static TorchSharp.torch;

namespace ClipSurgeryWeb.Engine.Tests.Opinions;

/// <summary>
/// One gradient-ascent step against <c>golden_ga</c>: features, loss, gradient, Adam and the sampled tokens.
/// These pin what the reference does where it could be read two ways: features are NOT L2-normalised (the loss is a
/// cosine), the noise is added before dividing by τ (<c>(normu + g)/τ</c>), and the text feature sits at index k + 2.
/// </summary>
public sealed class GradientAscentParityTests(GradientAscentGolden ga) : IClassFixture<GradientAscentGolden>
{
    private const double Tolerance = 1e-4;

    [Fact]
    public void Image_features_are_the_unnormalised_pooled_features_of_the_views()
    {
        var expected = GradientAscentGolden.Get("ga.image_features");
        Golden.AssertClose(expected, ga.ImageFeatures, Tolerance, "pooled image features");
        using var norms = expected.norm(-1);
        Assert.All(norms.data<float>().ToArray(), n => Assert.True(Math.Abs(n - 1) > 0.5, $"golden image feature norm {n} looks normalised"));
    }

    [Fact]
    public void Text_features_of_the_hard_gumbel_tokens_match_the_reference()
    {
        var expected = GradientAscentGolden.Get("ga.text_features");
        Golden.AssertClose(expected, ga.TextFeatures, Tolerance * MaxAbs(expected), "text features at k + 2");
        using var norms = expected.norm(-1);
        Assert.All(norms.data<float>().ToArray(), n => Assert.True(Math.Abs(n - 1) > 0.5, $"golden text feature norm {n} looks normalised"));
    }

    [Fact]
    public void The_feature_is_read_at_the_second_end_of_text_token()
    {
        using var meta = JsonDocument.Parse(File.ReadAllText(Shared.Fixture("golden_meta.json")));
        var settings = meta.RootElement.GetProperty("ga");
        Assert.Equal(settings.GetProperty("eot_index").GetInt32(), SoftPrompt.FeatureIndex(settings.GetProperty("many_tokens").GetInt32()));
    }

    [Fact]
    public void Sampled_tokens_match_the_reference()
    {
        var expected = GradientAscentGolden.Get("ga.argmax_tokens");                       // [2, 77]
        using var ids = ga.Soft.argmax(-1);                                                 // [2, 3]
        var k = (int)ids.shape[1];
        var rows = Enumerable.Range(0, (int)ids.shape[0])
            .SelectMany(b => ga.Prompt.Sequence(ids[b].data<long>().ToArray().Select(i => (int)i).ToArray()))
            .Select(i => (long)i).ToArray();
        using var actual = torch.tensor(rows, [ids.shape[0], 77]);
        Golden.AssertEqual(expected, actual, "SOT, argmax tokens, EOT padding");
    }

    [Fact]
    public void Noise_is_added_before_dividing_by_the_temperature()
    {
        // Adding it after (normu/τ + g) samples other tokens; the gradient test below pins the 1/τ scale.
        var expected = GradientAscentGolden.Get("ga.argmax_tokens")[.., 1..4];              // [2, 3]
        using var after = (GradientAscentGolden.Get("ga.normu0") / OpinionSettings.Temperature + GradientAscentGolden.Get("ga.gumbel")).argmax(-1);
        using var same = after.eq(expected).all();
        Assert.False(same.item<bool>(), "noise added after the division picks the same tokens; the test cannot tell the two apart");
    }

    [Fact]
    public void Loss_per_sample_matches_the_reference()
    {
        Golden.AssertClose(GradientAscentGolden.Get("ga.loss_per_sample"), ga.LossPerSample.detach(), Tolerance, "−100 · mean cosine");
    }

    [Fact]
    public void Gradient_of_the_batch_mean_loss_matches_the_reference()
    {
        // The gradient is ~1e-7 at most (softmax at τ = 1000 over 49408 tokens), so it is compared relative to its largest value.
        var expected = GradientAscentGolden.Get("ga.grad");
        var scale = MaxAbs(expected);
        Assert.InRange(scale, 1e-9, 1e-3);
        Golden.AssertClose(expected, ga.Grad, Tolerance * scale, "gradient w.r.t. the logits");
    }

    [Fact]
    public void Adam_step_on_the_reference_gradient_matches_the_reference()
    {
        Golden.AssertClose(GradientAscentGolden.Get("ga.normu1"), ga.StepFromGoldenGradient, 1e-5, "Adam(lr 5) from golden grad");
    }

    [Fact]
    public void Adam_step_on_our_gradient_differs_from_the_reference_only_by_what_the_gradient_difference_and_rounding_explain()
    {
        // Adam's first step with bias correction: m̂ = g, v̂ = g², so p1 = p0 − lr · f(g), f(g) = g / (|g| + ε), lr 5, ε 1e-8.
        // The gradient here is at most ~5e-7 and mostly below 1e-7, i.e. |g| is everywhere within a few hundred ε (no
        // element reaches 100 ε, so "compare only where |g| ≫ ε" would compare nothing). There f is ill-conditioned:
        // f'(g) = ε / (|g| + ε)², up to 1/ε at g = 0, so a gradient agreeing to 1e-4 of its largest value still moves a
        // logit by up to lr · 1e8 · |Δg|, by an amount that depends on how the CPU rounds the gradient. A fixed bound on
        // the step is therefore machine-dependent (it failed on an AVX2-only EPYC). Instead, per element:
        //
        //   |ours − ref| ≤ |ours − p0 + lr·f(g_ours)| + lr·|f(g_ours) − f(g_ref)| + |p0 − lr·f(g_ref) − ref|
        //
        // The middle term, in exact arithmetic, by the mean value theorem (f is increasing, f' falls with |g|):
        //   lr·|f(g_ours) − f(g_ref)| ≤ lr · ε / (g_min + ε)² · |g_ours − g_ref|,
        // g_min the smallest |g| between the two gradients (0 where their signs differ). |Δg| is the measured difference,
        // itself held to the gradient test's bound (1e-4 of the largest gradient) below, so it cannot grow unnoticed.
        // The outer terms are float32 rounding of one implementation each, u = 2⁻²⁴: the step lr·m̂/(√v̂ + ε) takes at most
        // ten roundings (the moments (1−β₁)g and (1−β₂)g², the square, the root, the bias corrections, + ε, the division,
        // the step size), each relative and the function well-conditioned in them, so ≤ 10u·lr; adding it to p0 rounds
        // once more, ≤ u·|p1|. Both sides: 2u · (10·lr + |p1|), ≈ 7e-6 at most (measured: 1.7e-6 per side against a
        // float64 step). Everything is evaluated in float64, where the bound's own rounding is negligible.
        const double eps = 1e-8;                                    // torch.optim.Adam's default, the reference's
        const double lr = OpinionSettings.LearningRate;
        const double u = 1.0 / (1 << 24);                           // float32 unit roundoff
        using var scope = torch.NewDisposeScope();
        var gRef = GradientAscentGolden.Get("ga.grad").to(ScalarType.Float64);
        var gOurs = ga.Grad.to(ScalarType.Float64);
        var start = GradientAscentGolden.Get("ga.normu0").to(ScalarType.Float64);
        var expected = GradientAscentGolden.Get("ga.normu1").to(ScalarType.Float64);
        var actual = ga.Logits.detach().to(ScalarType.Float64);

        var dg = (gOurs - gRef).abs();
        var gradientBound = Tolerance * MaxAbs(GradientAscentGolden.Get("ga.grad"));
        Assert.True(dg.max().item<double>() <= gradientBound, $"gradient difference {dg.max().item<double>():G3} exceeds {gradientBound:G3}");

        var gMin = torch.where(gOurs.sign().eq(gRef.sign()), torch.minimum(gOurs.abs(), gRef.abs()), torch.zeros_like(gRef));
        var sensitivity = lr * eps / (gMin + eps).square() * dg;
        var rounding = 2 * u * (10 * lr + torch.maximum(expected.abs(), actual.abs()));
        var bound = sensitivity + rounding;
        var diff = (expected - actual).abs();
        var worst = (diff - bound).argmax().item<long>();
        var at = (Tensor t) => t.flatten()[worst].item<double>();
        Assert.True(at(diff) <= at(bound),
            $"logit {worst} differs by {at(diff):G3}, more than its bound {at(bound):G3} (gradient {at(gRef):G3} vs {at(gOurs):G3}; max abs difference {diff.max().item<double>():G3})");

        // The bound still tells Adam apart from a near miss: ε ten times larger on our own gradient falls outside it.
        var otherEps = start - lr * gOurs / (gOurs.abs() + 10 * eps);
        Assert.True((expected - otherEps).abs().gt(bound).any().item<bool>(), "the bound cannot tell ε 1e-8 from 1e-7");
    }

    private static double MaxAbs(Tensor t)
    {
        using var m = t.abs().max();
        return m.item<float>();
    }
}
