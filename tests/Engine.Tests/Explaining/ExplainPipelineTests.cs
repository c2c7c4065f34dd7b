using ClipSurgeryWeb.Engine.Explaining;
using ClipSurgeryWeb.Engine.Methods;
using ClipSurgeryWeb.Engine.Hosting;
using ClipSurgeryWeb.Engine.Tests.Support;
using ClipSurgeryWeb.Engine.Tokenization;
using TorchSharp;
using static TorchSharp.torch;

namespace ClipSurgeryWeb.Engine.Tests.Explaining;

/// <summary>
/// The whole pipeline on the ViT fixture from the reference's preprocessed inputs: our features, our text
/// ensembles, our feature surgery, our maps and points against the reference's final outputs.
/// </summary>
public sealed class ExplainPipelineTests : IDisposable
{
    private const double Tolerance = 1e-4;
    private const int Height = 120, Width = 160;
    private static readonly string[] Labels = ["cat", "dog", "person", "bench", "sky"];

    private readonly ClipExplainer explainer = ClipExplainer.Load(
        TinyModels.VitPath, ClipTokenizer.FromFile(Shared.Vocab), new EngineOptions(DevicePreference.Cpu));

    [Theory]
    [InlineData(224)]
    [InlineData(512)]
    public void Surgery_maps_match_reference_end_to_end(int r)
    {
        var explanation = Explain(r, new ExplainRequest(Labels, Resolution: r, Methods: [MapMethod.Surgery]));
        using var expected = Golden.Vit($"vit.r{r}.cs.simmap")[0];          // [H, W, T]
        for (int t = 0; t < Labels.Length; t++)
            AssertMap(expected[.., .., t], explanation.Maps[t], $"cs {Labels[t]} at {r}");
    }

    [Theory]
    [InlineData(224)]
    [InlineData(512)]
    public void Single_label_map_and_points_match_reference_end_to_end(int r)
    {
        var explanation = Explain(r, new ExplainRequest([], ["bench"], r, [MapMethod.Single]));
        var map = Assert.Single(explanation.Maps);
        AssertMap(Golden.Vit($"vit.r{r}.cs.simmap_single_bench")[0, .., .., 0], map, "single bench");
        AssertPoints(Golden.Vit($"vit.r{r}.cs.points_single_bench"), Golden.Vit($"vit.r{r}.cs.point_labels_single_bench"), map);
    }

    [Theory]
    [InlineData(224)]
    [InlineData(512)]
    public void Combination_points_match_reference_end_to_end(int r)
    {
        var explanation = Explain(r, new ExplainRequest([], ["person+bench"], r, [MapMethod.Single]));
        var map = Assert.Single(explanation.Maps);
        AssertPoints(Golden.Vit($"vit.r{r}.cs.points_combo"), Golden.Vit($"vit.r{r}.cs.point_labels_combo"), map);
    }

    [Fact]
    public void Plain_maps_match_reference_end_to_end()
    {
        var explanation = Explain(224, new ExplainRequest(Labels, Methods: [MapMethod.Plain]));
        using var expected = Golden.Vit("vit.r224.plain.simmap")[0];
        for (int t = 0; t < Labels.Length; t++)
            AssertMap(expected[.., .., t], explanation.Maps[t], $"plain {Labels[t]}");
    }

    [Fact]
    public void Plain_vit_maps_at_another_resolution_use_the_models_own()
    {
        var explanation = Explain(512, new ExplainRequest(Labels, ["cat"], 512, [MapMethod.Plain, MapMethod.Surgery]));
        Assert.Equal(512, explanation.Maps.Single(m => m.Method == MapMethod.Surgery).Resolution);
        var plain = explanation.Maps.Single(m => m.Method == MapMethod.Plain);
        Assert.Equal(224, plain.Resolution);
        using var expected = Golden.Vit("vit.r224.plain.simmap")[0, .., .., 0];
        AssertMap(expected, plain, "plain cat");
    }

    [Fact]
    public void Targets_that_would_share_a_file_name_are_refused_and_repeated_targets_drawn_once()
    {
        var clash = Assert.Throws<EngineInputException>(() => Explain(224, new ExplainRequest(["cat?", "cat_"], Methods: [MapMethod.Surgery])));
        Assert.Contains("'cat?' and 'cat_'", clash.Reason);

        var explanation = Explain(224, new ExplainRequest(Labels, ["cat", "cat"], Methods: [MapMethod.Surgery]));
        Assert.Single(explanation.Maps);
    }

    [Fact]
    public void A_resolution_too_small_for_a_2x2_token_grid_is_refused()
    {
        using var resnet = ClipExplainer.Load(TinyModels.ResNetPath, ClipTokenizer.FromFile(Shared.Vocab), new EngineOptions(DevicePreference.Cpu), TinyModels.ResNetActivation);
        using var image = new SixLabors.ImageSharp.Image<SixLabors.ImageSharp.PixelFormats.Rgb24>(80, 60);
        var e = Assert.Throws<EngineInputException>(() => resnet.Explain(image, new ExplainRequest(Labels, Resolution: 48)));
        Assert.Equal("resolution", e.Subject);
        Assert.Contains("1×1 token grid", e.Reason);
        Assert.Contains("64 or more", e.Reason);
    }

    [Fact]
    public void A_target_outside_the_label_set_is_refused_by_name()
    {
        var e = Assert.Throws<EngineInputException>(() => Explain(224, new ExplainRequest(Labels, ["cow"])));
        Assert.Contains("cow", e.Subject);
    }

    private Explanation Explain(int r, ExplainRequest request) =>
        explainer.Explain(res => Golden.Vit($"vit.r{res}.input").clone(), Height, Width, request);

    private static void AssertMap(Tensor expected, Heatmap map, string what)
    {
        Assert.Equal((Height, Width), (map.Height, map.Width));
        using var actual = torch.tensor(map.Render(), [map.Height, map.Width]);
        Golden.AssertClose(expected, actual, Tolerance, what);
    }

    private static void AssertPoints(Tensor points, Tensor labels, Heatmap map)
    {
        var xy = points.data<long>().ToArray();
        Assert.NotNull(map.Points);
        Assert.Equal(Enumerable.Range(0, xy.Length / 2).Select(i => ((int)xy[2 * i], (int)xy[2 * i + 1])), map.Points.Points);
        Assert.Equal(labels.data<long>().Select(l => (int)l), map.Points.Labels);
    }

    public void Dispose() => explainer.Dispose();
}
