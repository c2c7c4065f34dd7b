using BenchmarkDotNet.Attributes;
using ClipSurgeryWeb.Engine.Hosting;
using ClipSurgeryWeb.Engine.Models;
using ClipSurgeryWeb.Engine.Surgery;
using TorchSharp;
using static TorchSharp.torch;

namespace ClipSurgeryWeb.Bench;

/// <summary>
/// The timings the reference reports (reference_timings.json): Surgery image encoding at 224 and 512, batch 1,
/// and the 85-prompt text ensemble for one label, on full-size random-weight models.
/// </summary>
[MemoryDiagnoser(displayGenColumns: false)]
public class ClipBenchmarks
{
    private ClipModel model = null!;
    private Tensor image224 = null!;
    private Tensor image512 = null!;
    private Tensor prompts = null!;
    private Device device = null!;

    [Params("ViT-B/16")]
    public string Model { get; set; } = "ViT-B/16";

    [GlobalSetup]
    public void Setup()
    {
        device = ComputeDevice.Resolve(ComputeDevice.Parse(Environment.GetEnvironmentVariable("CLIPSURGERY_DEVICE") ?? "cpu"));
        model = RandomModels.Clip(Model, device);
        var generator = new Generator(1);
        image224 = torch.randn([1, 3, 224, 224], generator: generator).to(device);
        image512 = torch.randn([1, 3, 512, 512], generator: generator).to(device);
        // 85 prompts of one label: token ids of typical length (SOT, 8 words, EOT, padding).
        prompts = torch.zeros([85, 77], ScalarType.Int64);
        prompts[.., 0] = 49406;
        prompts[.., 1..9] = torch.randint(300, 40000, [85, 8], generator: generator);
        prompts[.., 9] = 49407;
        prompts = prompts.to(device);
        // Warm the position-embedding cache for 512 as a long-running process would.
        using (torch.no_grad())
            model.Visual.EncodeSurgery(image512).Dispose();
    }

    [Benchmark(Description = "cs.encode_image r224 b1")]
    public float SurgeryEncode224() => Encode(image224);

    [Benchmark(Description = "cs.encode_image r512 b1")]
    public float SurgeryEncode512() => Encode(image512);

    [Benchmark(Description = "prompt-ensemble 1 label x85")]
    public float PromptEnsemble()
    {
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        var f = model.EncodeText(prompts);
        f = f / f.norm(-1, keepdim: true);
        var mean = f.mean([0]);
        return (mean / mean.norm()).sum().cpu().item<float>();
    }

    [Benchmark(Description = "feature surgery 59 labels r512")]
    public float Surgery59Labels()
    {
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        var f = FeatureSurgery.NormalizeOverTokens(torch.randn([1, 1025, 512], device: device));
        var t = torch.randn([59, 512], device: device);
        return FeatureSurgery.Similarity(f, t / t.norm(-1, keepdim: true)).sum().cpu().item<float>();
    }

    private float Encode(Tensor image)
    {
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        return model.Visual.EncodeSurgery(image).sum().cpu().item<float>();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        model.Dispose();
        image224.Dispose();
        image512.Dispose();
        prompts.Dispose();
    }
}
