using ClipSurgeryWeb.Engine.Explaining;
using ClipSurgeryWeb.Engine.Hosting;
using ClipSurgeryWeb.Engine.Methods;
using ClipSurgeryWeb.Engine.Tests.Support;
using ClipSurgeryWeb.Engine.Tokenization;
using TorchSharp;
using static TorchSharp.torch;

namespace ClipSurgeryWeb.Engine.Tests.Explaining;

/// <summary>
/// What a heatmap's 0 and 1 stand for: <see cref="Heatmap.Range"/> is the min and max over the image tokens of the
/// reference's own raw similarity for that map, and the grid the PNG is drawn from is (raw − min) / (max − min).
/// </summary>
public sealed class HeatmapRangeTests
{
    /// <summary>The parity tolerance of the similarities themselves (<see cref="ExplainPipelineTests"/>).</summary>
    private const double Tolerance = 1e-4;
    private const int Height = 120, Width = 160;
    private static readonly string[] Labels = ["cat", "dog", "person", "bench", "sky"];
    private static readonly ClipTokenizer Tokenizer = ClipTokenizer.FromFile(Shared.Vocab);

    [Theory]
    [InlineData("vit", 224, "cs")]
    [InlineData("vit", 512, "cs")]
    [InlineData("vit", 224, "plain")]
    [InlineData("rn", 224, "cs")]
    [InlineData("rn", 320, "cs")]
    [InlineData("rn", 320, "plain")]
    public void Range_is_the_raw_similaritys_min_and_max_over_image_tokens(string fixture, int r, string mode)
    {
        using var explainer = Load(fixture);
        var explanation = explainer.Explain(res => Golden.Get($"golden_{fixture}.safetensors", $"{fixture}.r{res}.input").clone(), Height, Width,
            new ExplainRequest(Labels, Resolution: r, Methods: MapMethods.Parse(mode)));
        var raw = Golden.Get($"golden_{fixture}.safetensors", $"{fixture}.r{r}.{mode}.similarity");       // [1, 1+N, T]
        for (int t = 0; t < Labels.Length; t++)
            AssertRange(raw[0, 1.., t], explanation.Maps[t], $"{fixture} {mode} {Labels[t]} at {r}");
    }

    [Theory]
    [InlineData(224)]
    [InlineData(512)]
    public void A_single_label_maps_range_is_its_similarity_against_the_empty_label(int r)
    {
        using var explainer = Load("vit");
        var explanation = explainer.Explain(res => Golden.Vit($"vit.r{res}.input").clone(), Height, Width, new ExplainRequest([], ["bench"], r, [MapMethod.Single]));
        AssertRange(Golden.Vit($"vit.r{r}.cs.similarity_single_bench")[0, 1.., 0], Assert.Single(explanation.Maps), $"single bench at {r}");
    }

    /// <summary>Range against the reference's [N] tokens, and the grid turned back into raw numbers by it against them too.</summary>
    private static void AssertRange(Tensor rawTokens, Heatmap map, string what)
    {
        var range = Assert.NotNull(map.Range);
        var raw = rawTokens.to(ScalarType.Float64).data<double>().ToArray();
        Assert.True(Math.Abs(range.Min - raw.Min()) <= Tolerance, $"{what}: min {range.Min} vs {raw.Min()}");
        Assert.True(Math.Abs(range.Max - raw.Max()) <= Tolerance, $"{what}: max {range.Max} vs {raw.Max()}");
        Assert.True(range.Max > range.Min, $"{what}: empty range");
        Assert.Equal(raw.Length, map.Grid.Length);
        // (raw − min) / (max − min) = grid, checked as grid · (max − min) + min = raw: each side within the similarity's
        // tolerance, the range's error adding at most one more.
        for (int i = 0; i < raw.Length; i++)
        {
            var back = map.Grid[i] * ((double)range.Max - range.Min) + range.Min;
            Assert.True(Math.Abs(back - raw[i]) <= 2 * Tolerance, $"{what}: token {i} is {back} from the grid, {raw[i]} raw");
        }
        Assert.Equal(0, map.Grid.Min(), 6);
        Assert.Equal(1, map.Grid.Max(), 6);
    }

    private static ClipExplainer Load(string fixture) => fixture == "vit"
        ? ClipExplainer.Load(TinyModels.VitPath, Tokenizer, new EngineOptions(DevicePreference.Cpu))
        : ClipExplainer.Load(TinyModels.ResNetPath, Tokenizer, new EngineOptions(DevicePreference.Cpu), TinyModels.ResNetActivation);
}
