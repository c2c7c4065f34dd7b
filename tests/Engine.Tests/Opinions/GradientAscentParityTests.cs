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
    public void Adam_step_on_our_gradient_matches_the_reference_within_1e4_relative_where_values_are_large()
    {
        // The bound: 1e-4, relative where values are large, i.e. |Δ| ≤ 1e-4 · max(1, |expected|).
        // (The first Adam step is lr·g/(|g| + 1e-8): where |g| ≪ 1e-8 it magnifies float rounding in g.)
        var expected = GradientAscentGolden.Get("ga.normu1");
        using var diff = (expected - ga.Logits.detach()).abs();
        using var bound = expected.abs().clamp_min(1.0) * Tolerance;
        using var excess = (diff - bound).max();
        Assert.True(excess.item<float>() <= 0, $"a logit exceeds its bound by {excess.item<float>():G3} (max abs difference {diff.max().item<float>():G3})");
    }

    private static double MaxAbs(Tensor t)
    {
        using var m = t.abs().max();
        return m.item<float>();
    }
}
