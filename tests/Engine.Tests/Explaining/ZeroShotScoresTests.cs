using ClipSurgeryWeb.Engine.Checkpoints;
using ClipSurgeryWeb.Engine.Explaining;
using ClipSurgeryWeb.Engine.Hosting;
using ClipSurgeryWeb.Engine.Imaging;
using ClipSurgeryWeb.Engine.Methods;
using ClipSurgeryWeb.Engine.Models;
using ClipSurgeryWeb.Engine.Pipeline;
using ClipSurgeryWeb.Engine.Tests.Support;
using ClipSurgeryWeb.Engine.Text;
using ClipSurgeryWeb.Engine.Tokenization;
using TorchSharp;
using static TorchSharp.torch;

namespace ClipSurgeryWeb.Engine.Tests.Explaining;

/// <summary>
/// CLIP's zero-shot ranking beside the maps, on both fixtures and for every way the explainer gets the image embedding:
/// reused from the Surgery pass (ViT at its own size), from the plain pass, or encoded once more at the model's size
/// (ViT at 512, every ResNet Surgery request, a plain ResNet at another size, a request whose methods need no labels).
/// Each is checked against CLIP's own classification computed here from <see cref="ClipModel"/>'s encoders, in double.
/// </summary>
public sealed class ZeroShotScoresTests
{
    private static readonly string[] Labels = ["cat", "dog", "person", "bench", "sky"];
    private static readonly ClipTokenizer Tokenizer = ClipTokenizer.FromFile(Shared.Vocab);

    /// <summary>
    /// The bound, derived: both sides run the same fp32 weights on the same preprocessed pixels. The embeddings the
    /// explainer reuses come from the same kernels as <c>EncodePlain</c> (a ViT's original path is the plain blocks), so
    /// they differ by no more than fp32 rounding of the D = 64 terms of the final cosine: |Δcos| ≤ 64·2⁻²⁴ ≈ 4e-6 in the
    /// worst case, ~√64·2⁻²⁴ ≈ 5e-7 in practice (rounding errors of a sum add like a random walk). Softmax's Jacobian
    /// has rows of L1 norm 2pᵢ(1 − pᵢ) ≤ ½, so |Δp| ≤ ½·s·max|Δcos| with s = exp(logit_scale) of the fixture (≈ 14.3,
    /// CLIP's initial 1/0.07), ≈ 3.6e-6 in practice. 1e-5 holds both with room and fails at once for a wrong image
    /// embedding (another token, another resolution, no normalisation), which moves cosines by 1e-2 or more.
    /// </summary>
    private const double Tolerance = 1e-5;

    public static TheoryData<string, int, string> Requests => new()
    {
        { "vit", 224, "cs" },        // Surgery's class token, reused
        { "vit", 512, "cs" },        // encoded again at 224
        { "vit", 224, "plain" },     // the plain pass, reused
        { "vit", 512, "single" },    // labels but no method needing them
        { "rn", 224, "cs" },         // a ResNet's Surgery token 0 is not CLIP's: encoded again
        { "rn", 224, "plain" },      // the plain pass at the model's size, reused
        { "rn", 320, "plain" },      // the plain pass at another size: encoded again at 224
    };

    [Theory]
    [MemberData(nameof(Requests))]
    public void Scores_are_clips_own_zero_shot_classification(string fixture, int resolution, string mode)
    {
        using var explainer = Load(fixture);
        using var picture = ImageLoader.Load(Shared.Image("demo.jpg"));
        var methods = MapMethods.Parse(mode);
        var targets = methods.Single() == MapMethod.Single ? new[] { "bench" } : null;
        var explanation = explainer.Explain(picture, new ExplainRequest(Labels, targets, resolution, methods));

        var expected = Independent(explainer.Model, fixture, picture);
        var scores = explanation.Scores!;
        Assert.Equal(Labels.Order(StringComparer.Ordinal), scores.Select(s => s.Label).Order(StringComparer.Ordinal));
        foreach (var s in scores)
        {
            var (probability, cosine) = expected[s.Label];
            Assert.True(Math.Abs(s.Similarity - cosine) <= Tolerance, $"{s.Label}: cosine {s.Similarity} vs {cosine}");
            Assert.True(Math.Abs(s.Probability - probability) <= Tolerance, $"{s.Label}: probability {s.Probability} vs {probability}");
        }
    }

    [Theory]
    [InlineData("vit")]
    [InlineData("rn")]
    public void Probabilities_sum_to_one_and_rank_as_the_cosines(string fixture)
    {
        using var explainer = Load(fixture);
        using var picture = ImageLoader.Load(Shared.Image("bwcat_cat.png"));
        var scores = explainer.Explain(picture, new ExplainRequest(Labels)).Scores!;

        Assert.Equal(Labels.Length, scores.Count);
        Assert.True(Math.Abs(scores.Sum(s => (double)s.Probability) - 1) <= Tolerance, $"sum {scores.Sum(s => (double)s.Probability)}");
        Assert.Equal(scores.OrderByDescending(s => s.Probability).ThenBy(s => s.Label, StringComparer.Ordinal), scores);
        Assert.Equal(scores.OrderByDescending(s => s.Similarity).Select(s => s.Label), scores.Select(s => s.Label));
        Assert.True(scores[0].Probability > scores[^1].Probability, "the labels should not all tie");
    }

    [Fact]
    public void A_label_given_twice_competes_once_and_a_request_without_labels_has_no_scores()
    {
        using var explainer = Load("vit");
        using var picture = ImageLoader.Load(Shared.Image("demo.jpg"));
        var once = explainer.Explain(picture, new ExplainRequest(["cat", "dog"])).Scores!;
        var twice = explainer.Explain(picture, new ExplainRequest(["cat", "dog", "cat"], ["cat"])).Scores!;
        Assert.Equal(once, twice);

        Assert.Null(explainer.Explain(picture, new ExplainRequest([], ["bench"], Methods: [MapMethod.Single])).Scores);
    }

    [Fact]
    public void Surgery_class_token_is_clips_embedding_on_a_vit_but_not_on_a_resnet()
    {
        // The reference's own outputs: its ViT surgery keeps x_ori's class token (the plain blocks), its ResNet surgery
        // attention pool queries with v for every token, the class token too. The reference computes x_ori's attention by
        // hand and the plain one with nn.MultiheadAttention, so the ViT's two agree to fp32 rounding (1.2e-6 measured), not bit
        // for bit; the ResNet's differ by two orders of magnitude more (1.5e-4 on this tiny model), beyond any rounding.
        Golden.AssertClose(Golden.Vit("vit.r224.plain.image_features")[0, 0], Golden.Vit("vit.r224.cs.image_features")[0, 0], 1e-5, "vit class token");
        using var differ = (Golden.Rn("rn.r224.plain.image_features")[0, 0] - Golden.Rn("rn.r224.cs.image_features")[0, 0]).abs().max();
        Assert.True(differ.item<float>() > 1e-5, $"rn class tokens differ by only {differ.item<float>()}");
    }

    private static ClipExplainer Load(string fixture) => fixture == "vit"
        ? ClipExplainer.Load(TinyModels.VitPath, Tokenizer, new EngineOptions(DevicePreference.Cpu))
        : ClipExplainer.Load(TinyModels.ResNetPath, Tokenizer, new EngineOptions(DevicePreference.Cpu), TinyModels.ResNetActivation);

    /// <summary>
    /// CLIP's classification written out from the model's encoders: <c>encode_image</c> at the model's size (token 0 of
    /// the plain path), each label's prompts through <c>encode_text</c>, normalised, averaged, normalised again, then
    /// softmax of exp(logit_scale) × cosines, all in double.
    /// </summary>
    private static Dictionary<string, (double Probability, double Cosine)> Independent(ClipModel model, string fixture, SixLabors.ImageSharp.Image<SixLabors.ImageSharp.PixelFormats.Rgb24> picture)
    {
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        var image = Unit(model.Visual.EncodePlain(ClipPreprocessor.ToInput(picture, model.Visual.InputResolution))[0, 0].data<float>().ToArray());
        var cosines = Labels.Select(label =>
        {
            var prompts = PromptTemplates.Default.Select(t => Unit(model.EncodeText(
                torch.tensor(Tokenizer.Tokenize(PromptTemplates.Apply(t, label)), [1, ClipTokenizer.DefaultContextLength]))[0].data<float>().ToArray())).ToList();
            var mean = Unit(Enumerable.Range(0, image.Length).Select(d => prompts.Average(p => p[d])).ToArray());
            return image.Zip(mean, (a, b) => a * b).Sum();
        }).ToArray();

        using var sd = StateDict.Load(fixture == "vit" ? TinyModels.VitPath : TinyModels.ResNetPath, fixture == "vit" ? null : TinyModels.ResNetActivation);
        var scale = Math.Exp(sd["logit_scale"].to(ScalarType.Float64).item<double>());
        var top = cosines.Max();
        var exp = cosines.Select(c => Math.Exp(scale * (c - top))).ToArray();
        return Labels.Select((l, i) => (l, i)).ToDictionary(p => p.l, p => (exp[p.i] / exp.Sum(), cosines[p.i]));
    }

    private static double[] Unit(float[] v) => Unit(v.Select(x => (double)x).ToArray());

    private static double[] Unit(double[] v)
    {
        var norm = Math.Sqrt(v.Sum(x => x * x));
        return v.Select(x => x / norm).ToArray();
    }
}
