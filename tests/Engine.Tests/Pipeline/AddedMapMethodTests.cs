using ClipSurgeryWeb.Engine.Batch;
using ClipSurgeryWeb.Engine.Checkpoints;
using ClipSurgeryWeb.Engine.Explaining;
using ClipSurgeryWeb.Engine.Hosting;
using ClipSurgeryWeb.Engine.Methods;
using ClipSurgeryWeb.Engine.Pipeline;
using ClipSurgeryWeb.Engine.Tests.Support;
using ClipSurgeryWeb.Engine.Tokenization;

namespace ClipSurgeryWeb.Engine.Tests.Pipeline;

/// <summary>
/// A map method added the way the next ones (GEM …) will be: one class and one registration, nothing else.
/// It is then a method everywhere: parsed by name, validated by the request, drawn, written and announced by the engine.
/// </summary>
[Collection(RegistryChanges.Name)]
public sealed class AddedMapMethodTests : IDisposable
{
    private readonly DirectoryInfo work = Directory.CreateTempSubdirectory("added-method-");

    /// <summary>A stand-in method: each token's feature norm (no label competes), on the plain path.</summary>
    private sealed class TokenNormMethod : IMapMethod
    {
        public static MapMethod Name { get; } = new("test-norm");

        public MapMethod Method => Name;

        public string DisplayName => "Token norm (test)";

        public bool NeedsLabels => false;

        public IImageEncoding Encoding => PlainEncoding.Instance;

        public IReadOnlyList<Heatmap> Draw(MapInputs inputs, IReadOnlyList<string> targets, CancellationToken ct)
        {
            var norms = inputs.Features[.., 1..].norm(-1, keepdim: true);          // [1, 1+N, D] -> [1, N, 1]
            return targets.Select(t => MapDrawing.ToHeatmap(Method, t, norms, inputs.Height, inputs.Width, null, inputs.Resolution)).ToList();
        }
    }

    [Fact]
    public void A_registered_method_is_parsed_drawn_written_and_announced_like_the_built_in_ones()
    {
        using var registration = MapMethods.Register(new TokenNormMethod());
        Assert.Equal([MapMethod.Surgery, TokenNormMethod.Name], MapMethods.Parse("TEST-NORM, cs"));
        Assert.Equal("Token norm (test)", TokenNormMethod.Name.DisplayName);

        using var explainer = ClipExplainer.Load(TinyModels.VitPath, ClipTokenizer.FromFile(Shared.Vocab), new EngineOptions(DevicePreference.Cpu));
        var events = new List<PipelineEvent>();
        var image = PipelineImage.At(Shared.Image("bwcat_cat.png"), work.FullName);
        var maps = new ExplainRequest(["cat", "dog"], ["cat"], null, [TokenNormMethod.Name, MapMethod.Surgery]);
        new ClipPipeline(explainer, ClipTokenizer.FromFile(Shared.Vocab)).Explain(new ExplainImagesRequest([image], maps), events.Add, default);

        var written = events.OfType<HeatmapWritten>().ToList();
        Assert.Equal([MapMethod.Surgery, TokenNormMethod.Name], written.Select(h => h.Method));
        var norm = written.Single(h => h.Method == TokenNormMethod.Name);
        Assert.Equal(("cat", "test-norm_cat.png", 224), (norm.Target, norm.File, norm.Resolution));
        Assert.True(new FileInfo(Path.Combine(work.FullName, norm.File)).Length > 0);
        Assert.IsType<ImageFinished>(events.Last());
        using var stored = StateDict.Load(Path.Combine(work.FullName, OutputNames.MapsFile));
        Assert.Contains("test-norm.cat", stored.Keys);
    }

    [Fact]
    public void A_method_that_is_not_registered_is_refused_by_the_request_with_the_known_names()
    {
        var refused = Assert.Throws<EngineInputException>(() => new ExplainRequest(["cat"], Methods: [new MapMethod("testclip")]).Validate());
        Assert.Equal("modes", refused.Subject);
        Assert.StartsWith("'testclip' is not one of cs, plain, single", refused.Reason);
    }

    [Fact]
    public void A_method_name_is_written_to_json_as_the_plain_string_it_always_was()
    {
        Assert.Equal("[\"cs\",\"single\"]", System.Text.Json.JsonSerializer.Serialize(new[] { MapMethod.Surgery, MapMethod.Single }));
        Assert.Equal([MapMethod.Plain], System.Text.Json.JsonSerializer.Deserialize<MapMethod[]>("[\"plain\"]")!);
        Assert.Equal("{\"Path\":\"cs_cat.png\",\"Kind\":\"map\",\"Target\":\"cat\",\"Mode\":\"cs\",\"Resolution\":224,\"Score\":null}",
            System.Text.Json.JsonSerializer.Serialize(new IndexedFile("cs_cat.png", FileKinds.Map, "cat", MapMethod.Surgery, 224)));
    }

    public void Dispose() => work.Delete(recursive: true);
}
