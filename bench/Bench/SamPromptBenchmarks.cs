using BenchmarkDotNet.Attributes;
using ClipSurgeryWeb.Engine.Hosting;
using ClipSurgeryWeb.Engine.Imaging;
using ClipSurgeryWeb.Engine.Points;
using ClipSurgeryWeb.Engine.Segmentation;
using static TorchSharp.torch;

namespace ClipSurgeryWeb.Bench;

/// <summary>
/// What a click on the interactive SAM page costs once the image's embedding is kept (the web app's <c>SamSessions</c>
/// answers every click after the first this way): one two-point prompt, SAM's three masks at the image's size and the
/// best one kept (<see cref="TextSegmenter.Predict"/>), on <c>demo.jpg</c> (500×375). "tiny" is the reference's
/// fixture (<c>sam_vit_tiny.pth</c>); "vit_b" is SAM ViT-B's full sizes with random weights (timing only: the decoder's
/// cost does not depend on the weights). The encoder runs once in the setup, not in the measurement.
/// </summary>
[MemoryDiagnoser(displayGenColumns: false)]
public class SamPromptBenchmarks
{
    private static readonly SamPrompt TwoPoints = new([(250, 200), (40, 30)], [1, 0]);

    private SamModel model = null!;
    private SamPredictor predictor = null!;

    [Params("tiny", "vit_b")]
    public string Sam { get; set; } = "tiny";

    [GlobalSetup]
    public void Setup()
    {
        var device = ComputeDevice.Resolve(ComputeDevice.Parse(Environment.GetEnvironmentVariable("CLIPSURGERY_DEVICE") ?? "cpu"));
        var shared = Path.Combine(BenchArgs.RepoRoot(), "..", "shared", "reference");
        model = Sam == "tiny" ? SamModel.Load(Path.Combine(shared, "fixtures", "sam_vit_tiny.pth"), device) : SamModel.Untrained(VitB(), device);
        predictor = new SamPredictor(model);
        using var image = ImageLoader.Load(Path.Combine(shared, "images", "demo.jpg"));
        predictor.SetImage(image);
    }

    [Benchmark(Description = "sam prompt on a kept embedding (2 points, best of 3 masks)")]
    public float PromptOnKeptEmbedding() => TextSegmenter.Predict(predictor, "clicked", TwoPoints).Score;

    [GlobalCleanup]
    public void Cleanup()
    {
        predictor.Dispose();
        model.Dispose();
    }

    /// <summary>SAM ViT-B's sizes (<c>build_sam_vit_b</c>: 768 wide, 12 blocks, 12 heads, global attention at 2, 5, 8, 11).</summary>
    private static SamConfig VitB() => new()
    {
        ImageSize = 1024,
        PatchSize = 16,
        EncoderEmbedDim = 768,
        EncoderDepth = 12,
        EncoderNumHeads = 12,
        EncoderMlpDim = 3072,
        EncoderGlobalAttnIndexes = [2, 5, 8, 11],
        WindowSize = 14,
        PromptEmbedDim = 256,
        MaskInChans = 16,
        NumMultimaskOutputs = 3,
        DecoderDepth = 2,
        DecoderNumHeads = SamConfig.OfficialDecoderNumHeads,
        DecoderMlpDim = 2048,
        AttentionDownsampleRate = 2,
        IouHeadDepth = 3,
        IouHeadHiddenDim = 256,
    };
}
