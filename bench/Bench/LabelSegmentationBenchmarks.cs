using BenchmarkDotNet.Attributes;
using ClipSurgeryWeb.Engine.Explaining;
using ClipSurgeryWeb.Engine.Hosting;
using ClipSurgeryWeb.Engine.Imaging;
using ClipSurgeryWeb.Engine.Labelling;
using ClipSurgeryWeb.Engine.Checkpoints;
using ClipSurgeryWeb.Engine.Methods;
using ClipSurgeryWeb.Engine.Models;
using ClipSurgeryWeb.Engine.Tokenization;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace ClipSurgeryWeb.Bench;

/// <summary>
/// One image's label maps (issue 12, section 4): <c>demo.jpg</c> resized to short side 336 (336×448, so 2×3 slide
/// windows of 224 every 112, encoded as one batch) against the methods' 7-class file (10 queries, 80 templates; the
/// text features are encoded once in the setup, as an eval does for its whole dataset). 1 / mean is images per second.
/// "tiny" is the methods' fixture model; "ViT-B/16" is OpenAI's full size with random weights (timing only).
/// </summary>
[MemoryDiagnoser(displayGenColumns: false)]
public class LabelSegmentationBenchmarks
{
    private RandomCheckpoint? random;
    private ClipExplainer explainer = null!;
    private LabelSegmenter segmenter = null!;
    private Image<Rgb24> image = null!;
    private ClassList classes = null!;

    [Params("tiny", "ViT-B/16")]
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
        segmenter = new LabelSegmenter(explainer);
        image = ImageLoader.Load(Path.Combine(shared, "images", "demo.jpg"));
        classes = ClassList.Read(Path.Combine(shared, "fixtures", "methods", "methods_names.txt"));
        Segment();   // the query features are cached from here on
    }

    [Benchmark(Description = "label maps of one 336×448 image (6 crops batched)")]
    public int Segment() => segmenter.Segment(image, classes, MapMethods.Parse(Methods), new LabelSegmentationOptions(), probabilities: false).Count;

    [GlobalCleanup]
    public void Cleanup()
    {
        image.Dispose();
        explainer.Dispose();
        random?.Dispose();
    }
}
