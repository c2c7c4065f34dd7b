using System.Text.RegularExpressions;
using ClipSurgeryWeb.Engine.Explaining;
using ClipSurgeryWeb.Engine.Hosting;
using ClipSurgeryWeb.Engine.Imaging;
using ClipSurgeryWeb.Engine.Models;
using ClipSurgeryWeb.Engine.Opinions;
using ClipSurgeryWeb.Engine.Tests.Support;
using ClipSurgeryWeb.Engine.Text;
using ClipSurgeryWeb.Engine.Tokenization;
using TorchSharp;
using static TorchSharp.torch;
using LayerNorm = ClipSurgeryWeb.Engine.Models.LayerNorm;

namespace ClipSurgeryWeb.Engine.Tests.Models;

/// <summary>What <see cref="ClipModel.ToPrecision"/> converts (exactly OpenAI's <c>convert_weights</c> set), and what stays fp32.</summary>
public sealed partial class PrecisionConversionTests
{
    private static readonly ClipTokenizer Tokenizer = ClipTokenizer.FromFile(Shared.Vocab);

    /// <summary>
    /// OpenAI's set, written from its <c>_convert_weights_to_fp16</c>: Conv2d/Linear weights and biases (conv1..3,
    /// downsample.0, c_fc, c_proj, out_proj, attnpool's q/k/v/c_proj), <c>in_proj_weight</c>/<c>in_proj_bias</c>,
    /// <c>text_projection</c> and <c>visual.proj</c>.
    /// </summary>
    [GeneratedRegex(@"(^|\.)(conv[123]|downsample\.0)\.weight$|\.(c_fc|c_proj|out_proj|q_proj|k_proj|v_proj)\.(weight|bias)$|\.in_proj_(weight|bias)$|^text_projection$|^visual\.proj$")]
    private static partial Regex OpenAIHalf();

    /// <summary>What stays fp32: embeddings, LayerNorm, BatchNorm (downsample.1, bn*), logit_scale.</summary>
    [GeneratedRegex(@"^token_embedding\.weight$|(^|\.)positional_embedding$|^visual\.class_embedding$|(^|\.)ln_(1|2|pre|post|final)\.(weight|bias)$|(^|\.)(bn[123]|downsample\.1)\.(weight|bias|running_mean|running_var|num_batches_tracked)$|^logit_scale$")]
    private static partial Regex OpenAIFloat32();

    [Theory]
    [InlineData("vit", Precision.Fp16)]
    [InlineData("vit", Precision.Bf16)]
    [InlineData("rn", Precision.Fp16)]
    [InlineData("rn", Precision.Bf16)]
    public void Exactly_openais_set_of_weights_goes_to_half_and_the_state_dict_names_stay(string which, Precision precision)
    {
        using var model = which == "vit" ? TinyModels.Vit() : TinyModels.ResNet();
        var namesBefore = model.state_dict().Keys.Order(StringComparer.Ordinal).ToList();
        model.ToPrecision(precision);

        Assert.Equal(precision, model.Precision);
        Assert.Equal(Precisions.ScalarType(precision), model.Visual.ComputeType);
        var state = model.state_dict();
        Assert.Equal(namesBefore, state.Keys.Order(StringComparer.Ordinal).ToList());
        var half = Precisions.ScalarType(precision);
        int halves = 0, singles = 0;
        foreach (var (name, tensor) in state)
        {
            if (name.EndsWith("num_batches_tracked", StringComparison.Ordinal))
                continue;
            if (OpenAIHalf().IsMatch(name))
            {
                Assert.True(tensor.dtype == half, $"{name} is {tensor.dtype}, OpenAI converts it to {half}");
                halves++;
            }
            else
            {
                Assert.True(OpenAIFloat32().IsMatch(name), $"{name} is in neither of OpenAI's sets");
                Assert.True(tensor.dtype == ScalarType.Float32, $"{name} is {tensor.dtype}, OpenAI keeps it fp32");
                singles++;
            }
        }
        Assert.True(halves > 0 && singles > 0);
        Assert.Equal(state.Count, model.parameters().Count() + model.buffers().Count());
    }

    [Fact]
    public void Fp32_changes_nothing_and_a_half_model_is_not_converted_again()
    {
        using var model = TinyModels.Vit();
        var before = model.parameters().Select(p => p.Handle).ToList();
        model.ToPrecision(Precision.Fp32);
        Assert.Equal(before, model.parameters().Select(p => p.Handle).ToList());
        Assert.All(model.parameters(), p => Assert.Equal(ScalarType.Float32, p.dtype));

        model.ToPrecision(Precision.Fp16);
        Assert.Throws<InvalidOperationException>(() => model.ToPrecision(Precision.Bf16));
        Assert.Throws<ArgumentException>(() => model.ToPrecision(Precision.Auto));
    }

    [Fact]
    public void Layer_norm_is_torchs_own_on_fp32_and_computes_in_fp32_on_half_input()
    {
        using var scope = torch.NewDisposeScope();
        using var ours = new LayerNorm(64);
        using var torchs = nn.LayerNorm(64);
        using (torch.no_grad())
        {
            var w = torch.randn(64);
            var b = torch.randn(64);
            foreach (var (name, p) in ours.named_parameters())
                p.copy_(name == "weight" ? w : b);
            foreach (var (name, p) in torchs.named_parameters())
                p.copy_(name == "weight" ? w : b);
            var x = torch.randn(2, 5, 64) * 3 + 1;
            Golden.AssertEqual(torchs.forward(x), ours.forward(x), "fp32 layer norm");

            var half = x.to(ScalarType.Float16);
            var y = ours.forward(half);
            Assert.Equal(ScalarType.Float16, y.dtype);
            Golden.AssertEqual(torchs.forward(half.to(ScalarType.Float32)).to(ScalarType.Float16), y, "half layer norm");
        }
        Assert.Equal(["bias", "weight"], ours.state_dict().Keys.Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData(Precision.Fp16)]
    [InlineData(Precision.Bf16)]
    public void Features_leave_a_half_model_as_fp32(Precision precision)
    {
        using var model = TinyModels.Vit();
        model.ToPrecision(precision);
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        Assert.Equal(ScalarType.Float32, model.EncodeText(Golden.Vit("vit.text.tokens")).dtype);
        var input = Golden.Vit("vit.r224.input");
        Assert.Equal(ScalarType.Float32, model.Visual.EncodeSurgery(input).dtype);
        Assert.Equal(ScalarType.Float32, model.Visual.EncodePlain(input).dtype);
        Assert.Equal(ScalarType.Float32, model.Visual.EncodePooled(input).dtype);
    }

    [Fact]
    public void Auto_is_fp32_on_the_cpu_and_the_explainer_says_which_precision_it_runs()
    {
        using var auto = ClipExplainer.Load(TinyModels.VitPath, Tokenizer, new EngineOptions(DevicePreference.Cpu));
        Assert.Equal(Precision.Fp32, auto.Precision);
        using var half = ClipExplainer.Load(TinyModels.VitPath, Tokenizer, new EngineOptions(DevicePreference.Cpu, Precision: Precision.Bf16));
        Assert.Equal(Precision.Bf16, half.Precision);
        Assert.Equal(Precision.Fp16, Precisions.Resolve(Precision.Auto, new Device(DeviceType.CUDA, 0)));
        Assert.Equal(Precision.Fp32, Precisions.Resolve(Precision.Auto, torch.CPU));
    }

    [Fact]
    public void Text_features_of_one_precision_are_never_served_to_another()
    {
        var dir = Directory.CreateTempSubdirectory("textcache-precision-").FullName;
        try
        {
            using var fp32 = TinyModels.Vit();
            using var fp16 = TinyModels.Vit();
            fp16.ToPrecision(Precision.Fp16);
            var shared = new TextFeatureCache(dir);   // one cache (memory and disk) for both

            var half = new PromptEnsemble(fp16, "sha", Tokenizer, shared);
            using var halfSky = half.Encode(["sky"], torch.CPU);
            Assert.Equal(PromptTemplates.Default.Count, half.PromptsEncoded);

            var single = new PromptEnsemble(fp32, "sha", Tokenizer, shared);
            using var singleSky = single.Encode(["sky"], torch.CPU);
            Assert.Equal(PromptTemplates.Default.Count, single.PromptsEncoded);   // not served fp16's
            using var differ = (halfSky - singleSky).abs().max();
            Assert.True(differ.item<float>() > 0, "fp16 and fp32 ensembles should differ by rounding");
            Golden.AssertClose(Golden.Vit("vit.text.ensemble")[4], singleSky[0], 1e-4, "fp32 sky");

            // A new process: each precision reads its own files back, fp32 in the layout from before precisions.
            var fresh16 = new PromptEnsemble(fp16, "sha", Tokenizer, new TextFeatureCache(dir));
            using var read16 = fresh16.Encode(["sky"], torch.CPU);
            Assert.Equal(0, fresh16.PromptsEncoded);
            Golden.AssertEqual(halfSky, read16, "fp16 from disk");
            var fresh32 = new PromptEnsemble(fp32, "sha", Tokenizer, new TextFeatureCache(dir));
            using var read32 = fresh32.Encode(["sky"], torch.CPU);
            Assert.Equal(0, fresh32.PromptsEncoded);
            Golden.AssertEqual(singleSky, read32, "fp32 from disk");

            var fp32Files = Directory.GetFiles(Path.Combine(dir, "sha"), "*.f32");
            var fp16Files = Directory.GetFiles(Path.Combine(dir, "sha", "fp16"), "*.f32");
            Assert.Single(fp32Files);
            Assert.Single(fp16Files);
            Assert.Matches("^[0-9a-f]{64}\\.f32$", Path.GetFileName(fp32Files[0]));
            Assert.Equal(Path.GetFileName(fp32Files[0]), Path.GetFileName(fp16Files[0]));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void The_memory_cache_keys_by_precision()
    {
        var cache = new TextFeatureCache(null);
        cache.Put("sha", Precision.Fp16, "cat", PromptTemplates.Default, [1f, 2f]);
        Assert.False(cache.TryGet("sha", Precision.Fp32, "cat", PromptTemplates.Default, 2, out _));
        Assert.False(cache.TryGet("sha", Precision.Bf16, "cat", PromptTemplates.Default, 2, out _));
        Assert.True(cache.TryGet("sha", Precision.Fp16, "cat", PromptTemplates.Default, 2, out var back));
        Assert.Equal([1f, 2f], back);
        Assert.Throws<ArgumentException>(() => cache.TryGet("sha", Precision.Auto, "cat", PromptTemplates.Default, 2, out _));
    }

    [Theory]
    [InlineData(Precision.Fp16)]
    [InlineData(Precision.Bf16)]
    public void Gradient_ascent_runs_on_a_half_model_with_fp32_losses_close_to_fp32s(Precision precision)
    {
        using var image = ImageLoader.Load(Shared.Image("bwcat_cat.png"));
        using var fp32 = TinyModels.Vit();
        using var half = TinyModels.Vit();
        half.ToPrecision(precision);
        var settings = SmallOpinions.Settings(seed: 3) with { Iterations = 1 };
        var reference = new GradientAscent(fp32, Tokenizer).Run(image, settings);
        var result = new GradientAscent(half, Tokenizer).Run(image, settings);

        // The first check-in comes before any step: same seed, same tokens; the losses differ by the half type's rounding.
        Assert.Equal(reference.LastCheckIn.Samples.Select(s => s.TokenIds), result.LastCheckIn.Samples.Select(s => s.TokenIds));
        // loss = −100 · cos(text, view): each side's features are off by about the unit roundoff u relative (measured
        // 3.8e-4 for fp16, 4.1e-3 for bf16), which moves a cosine by at most ~2u per side, the loss by ≤ 100 · 4u.
        double u = precision == Precision.Fp16 ? Math.Pow(2, -11) : Math.Pow(2, -8);
        var diffs = reference.LastCheckIn.Samples.Zip(result.LastCheckIn.Samples, (a, b) => Math.Abs(a.Loss - b.Loss)).ToList();
        Assert.All(result.LastCheckIn.Samples, s => Assert.True(float.IsFinite(s.Loss)));
        Assert.True(diffs.Max() <= 100 * 4 * u, $"losses differ by up to {diffs.Max()} (bound {100 * 4 * u})");
        Assert.True(float.IsFinite(result.FinalLoss));
    }
}
