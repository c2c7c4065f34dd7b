using BenchmarkDotNet.Attributes;
using ClipSurgeryWeb.Engine.Checkpoints;
using ClipSurgeryWeb.Engine.Explaining;
using ClipSurgeryWeb.Engine.Hosting;
using ClipSurgeryWeb.Engine.Imaging;
using ClipSurgeryWeb.Engine.Methods;
using ClipSurgeryWeb.Engine.Tokenization;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace ClipSurgeryWeb.Bench;

/// <summary>
/// Explain's heatmaps of the dense methods (what the results grid shows, not the label maps of
/// <see cref="LabelSegmentationBenchmarks"/>): <c>demo.jpg</c> at the model's own size, 7 labels, 2 targets, one map
/// per method and target. One method against four (naclip, sclip, clip_dense, kk_reduced), which the explainer encodes
/// in one pass sharing the first L−1 blocks. Text features are encoded once in the setup. "tiny" is the methods'
/// fixture model; "ViT-B/16" is OpenAI's full size with random weights (timing only).
/// </summary>
[MemoryDiagnoser(displayGenColumns: false)]
public class DenseHeatmapBenchmarks
{
    private static readonly string[] Labels = ["background", "sky", "cat", "bench", "person", "building", "table"];

    private RandomCheckpoint? random;
    private ClipExplainer explainer = null!;
    private Image<Rgb24> image = null!;
    private ExplainRequest request = null!;

    /// <summary>The models measured: <c>CLIPSURGERY_BENCH_MODELS</c> (comma-separated, e.g. <c>tiny</c>), else both.</summary>
    public static IEnumerable<string> Models() =>
        Environment.GetEnvironmentVariable("CLIPSURGERY_BENCH_MODELS") is { Length: > 0 } models
            ? models.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            : ["tiny", "ViT-B/16"];

    [ParamsSource(nameof(Models))]
    public string Model { get; set; } = "tiny";

    [Params("naclip", "naclip,sclip,clip_dense,kk_reduced")]
    public string Methods { get; set; } = "naclip";

    [GlobalSetup]
    public void Setup()
    {
        var device = ComputeDevice.Parse(Environment.GetEnvironmentVariable("CLIPSURGERY_DEVICE") ?? "cpu");
        var shared = Path.Combine(BenchArgs.RepoRoot(), "..", "shared", "reference");
        random = Model == "tiny" ? null : RandomCheckpoint.Write(Model);
        var checkpoint = random?.Path ?? Path.Combine(shared, "fixtures", "methods", "clip_vit_tiny_methods_state_dict.pt");
        var tokenizer = ClipTokenizer.FromFile(Path.Combine(shared, "bpe_simple_vocab_16e6.txt.gz"));
        explainer = ClipExplainer.Load(checkpoint, tokenizer, new EngineOptions(device), Activation.QuickGelu);
        image = ImageLoader.Load(Path.Combine(shared, "images", "demo.jpg"));
        request = new ExplainRequest(Labels, ["cat", "bench"], null, MapMethods.Parse(Methods));
        Explain();   // the text features are cached from here on
    }

    [Benchmark(Description = "dense heatmaps of one image (2 targets)")]
    public int Explain() => explainer.Explain(image, request).Maps.Count;

    [GlobalCleanup]
    public void Cleanup()
    {
        image.Dispose();
        explainer.Dispose();
        random?.Dispose();
    }
}
