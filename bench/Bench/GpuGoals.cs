using System.Diagnostics;
using System.Text.Json;
using ClipSurgeryWeb.Engine.Hosting;
using ClipSurgeryWeb.Engine.Models;
using ClipSurgeryWeb.Engine.Opinions;
using ClipSurgeryWeb.Engine.Segmentation;
using ClipSurgeryWeb.Engine.Tokenization;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using TorchSharp;
using static TorchSharp.torch;

namespace ClipSurgeryWeb.Bench;

/// <summary>
/// Issue 9's GPU goals, each measured on full-size random weights and set beside the reference's time on an H200
/// (<c>../shared/reference/reference_timings.json</c>, the same keys):
/// <list type="bullet">
/// <item><c>cs-fp32</c>: ViT-B/16 Surgery encode, fp32, batch 1, at 224 and 512 — at most the reference's time;</item>
/// <item><c>vitl-fp16</c>: ViT-L/14 Surgery encode, fp16, batch 1, at 512 — at most 11 ms;</item>
/// <item><c>opinions</c>: one gradient-ascent iteration, ViT-B/16, batch 16, 64 views, the engine's step — at most 25 ms;</item>
/// <item><c>sam</c>: SAM ViT-H <c>SetImage</c> of a 640×480 image — at most 195 ms.</item>
/// </list>
/// <c>dotnet run -c Release --project bench/Bench -- goals [--device cuda] [--precision P] [--repeats N] [--sections cs-fp32,vitl-fp16,opinions,sam] [--json FILE]</c>.
/// <c>--precision</c> applies to the opinions goal (auto: fp16 on CUDA); the encode goals name their own.
/// On a CPU the same runs, slowly, and the goals (set for an H200) are only printed beside.
/// </summary>
public static class GpuGoals
{
    public static readonly string[] Sections = ["cs-fp32", "vitl-fp16", "opinions", "sam"];

    private sealed record Goal(string Name, string ReferenceKey, double? LimitSeconds)
    {
        public string Verdict(double seconds, double? reference)
        {
            double? limit = LimitSeconds ?? reference;
            return limit is null ? "no reference time" : seconds <= limit ? "met" : "NOT met";
        }
    }

    public static int Run(string[] args)
    {
        var sections = Option(args, "--sections")?.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries) ?? Sections;
        var unknown = sections.Except(Sections).ToList();
        if (unknown.Count > 0)
            throw new BenchArgsException($"--sections: '{unknown[0]}' is not one of {string.Join(", ", Sections)}");
        var preference = ComputeDevice.Parse(Option(args, "--device") ?? "cuda");
        var precision = Precisions.Parse(Option(args, "--precision") ?? "auto");
        int repeats = int.TryParse(Option(args, "--repeats"), out var r) && r > 0 ? r : 10;
        var json = Option(args, "--json");

        var device = ComputeDevice.Resolve(preference);
        var reference = ReferenceTimings();
        var rows = new List<Dictionary<string, object?>>();
        Console.Error.WriteLine($"goals: device {device}, {repeats} repeats; the reference's times are an H200's ({ReferencePath()})");

        void Report(Goal goal, double[] seconds)
        {
            double best = seconds.Min(), median = Measure.Median(seconds);
            double? refSeconds = reference.TryGetValue(goal.ReferenceKey, out var v) ? v : null;
            string verdict = device.type == DeviceType.CUDA ? goal.Verdict(median, refSeconds) : "not judged: an H200 goal, this ran on the CPU";
            string limit = goal.LimitSeconds is { } l ? $"goal ≤ {l * 1000:F1} ms" : "goal ≤ the reference";
            Console.WriteLine($"{goal.Name,-44} median {median * 1000,9:F2} ms (best {best * 1000:F2}) · reference {(refSeconds is { } rs ? $"{rs * 1000:F2} ms" : "—"),10} · {limit} · {verdict}");
            rows.Add(new()
            {
                ["goal"] = goal.Name,
                ["reference_key"] = goal.ReferenceKey,
                ["ours"] = Measure.Stats(seconds),
                ["reference_s"] = refSeconds,
                ["limit_s"] = goal.LimitSeconds ?? refSeconds,
                ["verdict"] = verdict,
                ["device"] = device.ToString(),
            });
            Json.Write(json, new Dictionary<string, object?> { ["machine"] = Machine.Describe(), ["goals"] = rows });
        }

        if (sections.Contains("cs-fp32"))
        {
            using var model = RandomModels.Clip("ViT-B/16", device);
            foreach (int size in new[] { 224, 512 })
                Report(new Goal($"ViT-B/16 CS encode fp32 r{size} b1", $"ViT-B/16 cuda cs.encode_image r{size} b1 s", null), Encode(model, device, size, repeats));
        }
        if (sections.Contains("vitl-fp16"))
        {
            using var model = RandomModels.Clip("ViT-L/14", device);
            model.ToPrecision(Precision.Fp16);
            Report(new Goal("ViT-L/14 CS encode fp16 r512 b1", "ViT-L/14 cuda cs.encode_image r512 b1 fp16 s", 0.011), Encode(model, device, 512, repeats));
        }
        if (sections.Contains("opinions"))
        {
            using var model = RandomModels.Clip("ViT-B/16", device);
            var resolved = Precisions.Resolve(precision, device);
            model.ToPrecision(resolved);
            var tokenizer = ClipTokenizer.FromFile(Path.Combine(BenchArgs.RepoRoot(), "..", "shared", "reference", "bpe_simple_vocab_16e6.txt.gz"));
            Report(new Goal($"opinions iteration ViT-B/16 b16 64 views {Precisions.Name(resolved)}", "ViT-B/16 cuda GA iteration (B16, 64 views) s", 0.025),
                OpinionSteps(model, tokenizer, device, repeats));
        }
        if (sections.Contains("sam"))
        {
            using var sam = SamModel.Untrained(VitH(), device);
            using var predictor = new SamPredictor(sam);
            using var image = new Image<Rgb24>(640, 480, new Rgb24(120, 90, 60));
            Report(new Goal("SAM ViT-H set_image 640x480", "SAM ViT-H cuda set_image 640x480 s", 0.195),
                Measure.Seconds(device, repeats, () => predictor.SetImage(image), warmups: 2));
        }
        return 0;
    }

    /// <summary>The Surgery encode of one random <c>[1, 3, size, size]</c> image, batch 1, without autograd.</summary>
    private static double[] Encode(ClipModel model, Device device, int size, int repeats)
    {
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var image = torch.randn([1, 3, size, size], generator: new Generator(7), device: device);
        return Measure.Seconds(device, repeats, () => model.Visual.EncodeSurgery(image).Dispose(), warmups: 3);
    }

    /// <summary>The engine's own gradient-ascent steps (batch 16, 5 tokens, 64 views), timed from its progress reports; the first two warm up.</summary>
    private static double[] OpinionSteps(ClipModel model, ClipTokenizer tokenizer, Device device, int repeats)
    {
        var settings = new OpinionSettings(Iterations: repeats + 2, Batch: 16, Tokens: 5, Views: 64, CheckInInterval: 100_000, Seed: 1);
        using var image = new Image<Rgb24>(640, 480, new Rgb24(120, 90, 60));
        var times = new List<double>();
        var sw = Stopwatch.StartNew();
        new GradientAscent(model, tokenizer).Run(image, settings, new SynchronousProgress<OpinionProgress>(_ =>
        {
            Measure.Sync(device);
            times.Add(sw.Elapsed.TotalSeconds);
            sw.Restart();
        }));
        return [.. times.Skip(2)];
    }

    /// <summary>SAM ViT-H's sizes (<c>build_sam_vit_h</c>: 1280 wide, 32 blocks, 16 heads, global attention at 7, 15, 23, 31).</summary>
    private static SamConfig VitH() => new()
    {
        ImageSize = 1024,
        PatchSize = 16,
        EncoderEmbedDim = 1280,
        EncoderDepth = 32,
        EncoderNumHeads = 16,
        EncoderMlpDim = 5120,
        EncoderGlobalAttnIndexes = [7, 15, 23, 31],
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

    private static string ReferencePath() => Path.GetFullPath(Path.Combine(BenchArgs.RepoRoot(), "..", "shared", "reference", "reference_timings.json"));

    private static Dictionary<string, double> ReferenceTimings()
    {
        var path = ReferencePath();
        if (!File.Exists(path))
            return [];
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        return doc.RootElement.GetProperty("timings_s").EnumerateObject()
            .Where(p => p.Value.ValueKind == JsonValueKind.Number)
            .ToDictionary(p => p.Name, p => p.Value.GetDouble());
    }

    private static string? Option(string[] args, string name)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }
}
