using ClipSurgeryWeb.Engine.Checkpoints;
using ClipSurgeryWeb.Engine.Explaining;
using ClipSurgeryWeb.Engine.Hosting;
using ClipSurgeryWeb.Engine.Imaging;
using ClipSurgeryWeb.Engine.Methods;
using ClipSurgeryWeb.Engine.Tests.Methods;
using ClipSurgeryWeb.Engine.Tests.Support;
using ClipSurgeryWeb.Engine.Tokenization;
using TorchSharp;
using static TorchSharp.torch;

namespace ClipSurgeryWeb.Engine.Tests.Explaining;

/// <summary>
/// The explainer encodes all dense methods of a request in one pass (<see cref="DenseEncoding.EncodeTogether"/>: the
/// ViT's first L−1 blocks once, the last block per method). Sharing must not change a number: the same operations run
/// on the same trunk, so each method's maps are bit-identical to those it draws alone, on the methods' tiny model.
/// </summary>
public sealed class SharedDenseEncodingTests(MethodsModel fixture) : IClassFixture<MethodsModel>
{
    private static readonly string[] Labels = ["cat", "sky", "bench", "person"];

    private static ClipExplainer Load() =>
        ClipExplainer.Load(MethodsModel.CheckpointPath, ClipTokenizer.FromFile(Shared.Vocab), new EngineOptions(DevicePreference.Cpu), Activation.QuickGelu);

    private static List<ExplainInput> Inputs() => Directory.GetFiles(Shared.Reference("images")).Order(StringComparer.Ordinal).Take(3)
        .Select(p => ExplainInput.FromFile(p, ImageLimits.Default)).ToList();

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void Each_dense_methods_maps_from_the_shared_pass_equal_its_maps_alone(int batch)
    {
        using var explainer = Load();
        explainer.ImageBatchSize = batch;
        var inputs = Inputs();
        // Every dense method, with CLIP Surgery and plain CLIP between them in the drawing order: those keep their own passes.
        MapMethod[] methods = [.. DenseMethod.All.Select(m => m.Method).Reverse(), MapMethod.Surgery, MapMethod.Plain];
        var request = new ExplainRequest(Labels, ["cat", "sky+bench"], null, methods);

        var together = explainer.ExplainMany(inputs, request).Select(o => o.Result()).ToList();

        foreach (var method in methods)
        {
            var alone = explainer.ExplainMany(inputs, request with { Methods = [method] }).Select(o => o.Result()).ToList();
            for (int i = 0; i < inputs.Count; i++)
            {
                var expected = alone[i].Maps;
                var actual = together[i].Maps.Where(m => m.Method == method).ToList();
                Assert.Equal(expected.Count, actual.Count);
                for (int t = 0; t < expected.Count; t++)
                {
                    var what = $"{method.Name} {inputs[i].Name} '{expected[t].Target}' (batch {batch})";
                    Assert.Equal(expected[t].Target, actual[t].Target);
                    Assert.Equal(expected[t].Range, actual[t].Range);
                    Assert.True(expected[t].Grid.SequenceEqual(actual[t].Grid), $"{what}: the shared pass drew another map");
                }
            }
        }
        // Distinct maps: had every method been given one method's tokens, the loop above could not tell.
        var cats = together[0].Maps.Where(m => m.Target == "cat" && DenseMethod.All.Any(d => d.Method == m.Method)).ToList();
        Assert.Equal(DenseMethod.All.Count, cats.Count);
        Assert.Equal(cats.Count, cats.Select(m => string.Join(",", m.Grid)).Distinct().Count());
    }

    [Fact]
    public void Encoding_together_gives_each_encoding_its_own_numbers_in_the_order_given()
    {
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        int side = fixture.Model.Visual.InputResolution;
        var images = torch.randn([2, 3, side, side], generator: new Generator(5));          // [2, 3, R, R]
        var encodings = DenseMethod.All.Select(m => m.DenseEncoding).Reverse().ToList();
        var together = DenseEncoding.EncodeTogether(fixture.Model, images, encodings);      // per encoding [2, 1+N, D]
        Assert.Equal(encodings.Count, together.Count);
        for (int i = 0; i < encodings.Count; i++)
            Golden.AssertEqual(encodings[i].Encode(fixture.Model, images), together[i], $"{encodings[i].Name} together");
    }

    [Fact]
    public void Encoding_together_refuses_a_resnet_and_no_encoding()
    {
        using var resnet = TinyModels.ResNet();
        using var images = torch.zeros(1, 3, resnet.Visual.InputResolution, resnet.Visual.InputResolution);
        var refused = Assert.Throws<EngineInputException>(() => DenseEncoding.EncodeTogether(resnet, images, [DenseEncoding.Sclip, DenseEncoding.Naclip]));
        Assert.Equal("modes", refused.Subject);
        Assert.Contains("'sclip' needs a ViT", refused.Reason);
        Assert.Equal("modes", Assert.Throws<EngineInputException>(() => DenseEncoding.EncodeTogether(fixture.Model, images, [])).Subject);
    }
}
