using ClipSurgeryWeb.Engine.Checkpoints;
using System.Diagnostics;
using ClipSurgeryWeb.Engine.Explaining;
using ClipSurgeryWeb.Engine.Hosting;
using ClipSurgeryWeb.Engine.Imaging;
using ClipSurgeryWeb.Engine.Models;
using ClipSurgeryWeb.Engine.Opinions;
using ClipSurgeryWeb.Engine.Tokenization;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ClipSurgeryWeb.Bench;

/// <summary>
/// Our side of <c>scripts/bench-side-by-side.sh</c>, on the weights the reference also loads (<c>--checkpoint</c>, a
/// <c>torch.save</c> state dict): sgemm GFLOP/s, the Surgery encode at 224 and 512 (batch 1) with a per-op profile and the
/// changes tried in a copy (<see cref="ProfiledSurgery"/>), an opinions iteration after and before (the reference's
/// one-hot text, <see cref="ReferenceWayText"/>), and the demo pipeline (<see cref="EndToEnd"/>). One JSON out.
/// </summary>
public static class OursParts
{
    public const int SgemmSize = 2048;

    public static int Run(BenchArgs a)
    {
        Threads.Apply(a.Threads);
        using var random = a.Checkpoint is null ? RandomCheckpoint.Write(a.Arch) : null;
        var checkpoint = a.Checkpoint ?? random!.Path;
        var report = new Dictionary<string, object?>
        {
            ["torch_threads"] = torch.get_num_threads(),
            ["torch_interop_threads"] = torch.get_num_interop_threads(),
            ["machine"] = Machine.Describe(),
        };
        var tokenizer = ClipTokenizer.FromFile(a.Vocab);
        using (var explainer = ClipExplainer.Load(checkpoint, tokenizer, new EngineOptions(a.Device, Precision: a.Precision), Activation.QuickGelu))
        {
            var device = explainer.Device;
            report["device"] = device.ToString();
            // Each section is written as soon as it is measured: on a loaded machine a long run may be cut short.
            if (a.Has("sgemm"))
            {
                report["sgemm"] = Sgemm(device, a.Repeats);
                Log($"sgemm {((Dictionary<string, double>)report["sgemm"]!)["gflops_best"]:F1} GFLOP/s");
                Json.Write(a.Json, report);
            }
            if (a.Has("encode"))
            {
                report["encode"] = Encodes(explainer.Model, device, a.Repeats);
                Json.Write(a.Json, report);
            }
            if (a.Has("text"))
            {
                // The opinions text part alone, before and after (see TextParts), without the 64-view engine step.
                var ga = new GradientAscent(explainer.Model, tokenizer);
                var settings = new OpinionSettings(Batch: 16, Tokens: 5, Views: 64);
                var (after, before) = TextParts(explainer.Model, ga.Prompt, new ReferenceWayText(explainer.Model, tokenizer), device, a.Steps, settings);
                report["opinions_text"] = new Dictionary<string, object?> { ["after_text_part"] = Measure.Stats(after), ["before_text_part"] = Measure.Stats(before) };
                Json.Write(a.Json, report);
            }
            if (a.Has("opinions"))
            {
                report["opinions"] = Opinions(explainer.Model, tokenizer, device, a);
                Json.Write(a.Json, report);
            }
        }
        if (a.Has("pipeline"))
        {
            report["pipeline"] = EndToEnd.Pipeline(checkpoint, a, Console.Error);
            Json.Write(a.Json, report);
        }
        return 0;
    }

    private static void Log(string line) => Console.Error.WriteLine($"ours: {line}");

    public static Dictionary<string, double> Sgemm(Device device, int repeats)
    {
        using var scope = torch.NewDisposeScope();
        var x = torch.randn([SgemmSize, SgemmSize], device: device);
        var y = torch.randn([SgemmSize, SgemmSize], device: device);
        var times = Measure.Seconds(device, repeats, () => x.matmul(y).Dispose(), warmups: 2);
        double flops = 2.0 * SgemmSize * SgemmSize * SgemmSize;
        return new()
        {
            ["n"] = SgemmSize,
            ["gflops_best"] = flops / times.Min() / 1e9,
            ["gflops_median"] = flops / Measure.Median(times) / 1e9,
        };
    }

    private static Dictionary<string, object?> Encodes(ClipModel model, Device device, int repeats)
    {
        var result = new Dictionary<string, object?>();
        foreach (int size in new[] { model.Visual.InputResolution, EndToEnd.HighResolution })
        {
            using var scope = torch.NewDisposeScope();
            using var noGrad = torch.no_grad();
            var image = torch.randn([1, 3, size, size], generator: new Generator(7), device: device);
            var engine = Measure.Seconds(device, repeats, () => model.Visual.EncodeSurgery(image).Dispose());
            Log($"cs encode r{size}: {engine.Min() * 1000:F0} ms best, {Measure.Median(engine) * 1000:F0} ms median");
            var entry = new Dictionary<string, object?> { ["engine"] = Measure.Stats(engine) };
            if (model.Visual is VisionTransformer vit && device.type == DeviceType.CPU)
                entry["profile"] = Profile(vit, image, engine, repeats);
            result[$"r{size}"] = entry;
        }
        return result;
    }

    /// <summary>Per-op time of the engine's forward (the copy, checked against it), then each change alone and all together, best of <paramref name="repeats"/>.</summary>
    private static Dictionary<string, object?> Profile(VisionTransformer vit, Tensor image, double[] engine, int repeats)
    {
        var copy = new ProfiledSurgery(vit);
        using var reference = vit.EncodeSurgery(image);
        var variants = new (string Name, ProfiledSurgery.Options Options)[]
        {
            ("engine's ops (copy)", ProfiledSurgery.Options.Engine),
            ("in-place QuickGELU", new(InPlaceGelu: true)),
            ("one out_proj GEMM for both paths", new(SharedOutProj: true)),
            ("explicit softmax attention", new(ExplicitAttention: true)),
            ("in-place residual adds", new(InPlaceResidual: true)),
            ("addmm c_fc + in-place QuickGELU", new(FusedLinearGelu: true)),
            ("all but explicit attention", new(InPlaceGelu: true, SharedOutProj: true, InPlaceResidual: true, FusedLinearGelu: true)),
            ("all", new(InPlaceGelu: true, SharedOutProj: true, ExplicitAttention: true, InPlaceResidual: true, FusedLinearGelu: true)),
        };
        var result = new Dictionary<string, object?>();
        var diffs = new double[variants.Length];
        for (int v = 0; v < variants.Length; v++)
        {
            using var output = copy.Encode(image, variants[v].Options);
            diffs[v] = (output - reference).abs().max().item<float>();
        }
        // Round-robin: every repeat runs the engine and each variant once, so load from other processes falls on all alike.
        var best = Enumerable.Repeat(double.MaxValue, variants.Length).ToArray();
        var splits = new Dictionary<string, double>?[variants.Length];
        var engineTimes = new List<double>();
        for (int r = 0; r < repeats; r++)
        {
            var ew = Stopwatch.StartNew();
            vit.EncodeSurgery(image).Dispose();
            engineTimes.Add(ew.Elapsed.TotalSeconds);
            for (int v = 0; v < variants.Length; v++)
            {
                copy.Reset();
                var sw = Stopwatch.StartNew();
                copy.Encode(image, variants[v].Options).Dispose();
                var s = sw.Elapsed.TotalSeconds;
                if (s < best[v])
                {
                    best[v] = s;
                    splits[v] = new Dictionary<string, double>(copy.Seconds);
                }
            }
        }
        var breakdown = splits[0];
        var rows = new List<Dictionary<string, object?>>();
        Log($"  r{image.shape[^1]} engine (VisionTransformer.EncodeSurgery)      {engineTimes.Min() * 1000,8:F1} ms");
        for (int v = 0; v < variants.Length; v++)
        {
            rows.Add(new() { ["variant"] = variants[v].Name, ["best_s"] = best[v], ["max_abs_diff_vs_engine"] = diffs[v], ["ops_s"] = splits[v] });
            Log($"  r{image.shape[^1]} {variants[v].Name,-36} {best[v] * 1000,8:F1} ms  ({100 * (best[v] / best[0] - 1):+0.0;-0.0} % vs the copy, max |Δ| {diffs[v]:E1})");
        }
        result["engine_round_robin"] = Measure.Stats(engineTimes);
        result["engine_best_s"] = engine.Min();
        result["by_op_s"] = breakdown;
        result["variants"] = rows;
        if (breakdown is not null)
        {
            foreach (var (op, s) in breakdown.OrderByDescending(kv => kv.Value))
                Log($"    {op,-26} {s * 1000,8:F1} ms  {100 * s / breakdown.Values.Sum(),5:F1} %");
        }
        return result;
    }

    /// <summary>
    /// One opinions iteration (batch, tokens, views as the reference: 16, 5, 64): the engine's <see cref="GradientAscent.Run"/>
    /// step timed from its progress reports, and a bench loop split into its image part (views → pooled features) and its
    /// text part (Gumbel tokens → text features → loss → backward → Adam), with our text side and the reference's.
    /// </summary>
    private static Dictionary<string, object?> Opinions(ClipModel model, ClipTokenizer tokenizer, Device device, BenchArgs a)
    {
        var settings = new OpinionSettings(Iterations: a.Steps + 1, Batch: 16, Tokens: 5, Views: 64, CheckInInterval: 1000, Seed: 1);
        using var image = ImageLoader.Load(Directory.GetFiles(a.ImageDir).Order(StringComparer.Ordinal).First(f => f.EndsWith("demo.jpg", StringComparison.Ordinal) || f.EndsWith(".png", StringComparison.Ordinal)));
        var ga = new GradientAscent(model, tokenizer);

        var stepTimes = new List<double>();
        var sw = Stopwatch.StartNew();
        ga.Run(image, settings, new SynchronousProgress<OpinionProgress>(_ =>
        {
            Measure.Sync(device);
            stepTimes.Add(sw.Elapsed.TotalSeconds);
            sw.Restart();
        }));
        var engineSteps = stepTimes.Skip(1).ToList();   // the first step also warms up and checks in
        Log($"opinions: engine step {engineSteps.Min():F2} s best of {engineSteps.Count}");

        var referenceWay = new ReferenceWayText(model, tokenizer);
        var (after, before) = TextParts(model, ga.Prompt, referenceWay, device, a.Steps, settings);
        double engineBest = engineSteps.Min();
        return new()
        {
            ["batch"] = settings.Batch,
            ["tokens"] = settings.Tokens,
            ["views"] = settings.Views,
            ["engine_step"] = Measure.Stats(engineSteps),
            ["after_text_part"] = Measure.Stats(after),
            ["before_text_part"] = Measure.Stats(before),
            // The image part (views → pooled features) is the same before and after: the engine step less its text part.
            ["image_part_derived_s"] = engineBest - after.Min(),
            ["before_step_derived_best_s"] = engineBest - after.Min() + before.Min(),
            ["max_abs_diff_text_features"] = TextDifference(model, ga.Prompt, referenceWay, device),
        };
    }

    /// <summary>Both text sides on the same soft tokens: the largest feature difference (rounding only).</summary>
    private static double TextDifference(ClipModel model, SoftPrompt ours, ReferenceWayText theirs, Device device)
    {
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var logits = torch.randn([2, 5, model.Config.VocabSize], generator: new Generator(3), device: device);
        var soft = GumbelTokens.HardSample(logits, torch.zeros_like(logits));
        return (ours.Encode(soft) - theirs.Encode(soft)).abs().max().item<float>();
    }

    /// <summary>Our text side and the reference's way, alternating step by step (so that load from other work falls on both alike).</summary>
    private static (List<double> After, List<double> Before) TextParts(ClipModel model, SoftPrompt ours, ReferenceWayText theirs, Device device, int steps, OpinionSettings settings)
    {
        List<double> after = [], before = [];
        for (int i = 0; i < steps; i++)
        {
            after.AddRange(TextLoop(model, ours.Encode, device, 1, settings));
            before.AddRange(TextLoop(model, theirs.Encode, device, 1, settings));
            Log($"opinions text part, round {i + 1}: ours {after[^1]:F3} s, the reference's way {before[^1]:F3} s");
        }
        return (after, before);
    }

    /// <summary>
    /// The text part of an opinions step, <paramref name="steps"/> times after one warm-up: Gumbel tokens → text features
    /// (<paramref name="encodeText"/>) → loss against view features → backward → Adam. The view features are random
    /// <c>[N, D]</c>: their values do not change the time, and the 64-view image encode is timed in the engine's step.
    /// </summary>
    private static List<double> TextLoop(ClipModel model, Func<Tensor, Tensor> encodeText, Device device, int steps, OpinionSettings settings)
    {
        var saved = model.parameters().Select(p => (p, p.requires_grad)).ToList();
        foreach (var (p, _) in saved)
            p.requires_grad = false;
        try
        {
            using var generator = new Generator(5, device);
            using var features = torch.randn([settings.Views, model.Config.EmbedDim], generator: generator, device: device);   // [N, D]
            using var initial = torch.randn([settings.Batch, settings.Tokens, model.Config.VocabSize], generator: generator, device: device);
            using var logits = new Parameter(initial);
            using var optimizer = GradientAscent.CreateOptimizer(logits);
            var times = new List<double>();
            for (int i = 0; i <= steps; i++)
            {
                using var scope = torch.NewDisposeScope();
                var sw = Stopwatch.StartNew();
                using (torch.enable_grad())
                {
                    var soft = GumbelTokens.HardSample(logits, GumbelTokens.Noise(logits, generator));              // [B, k, V]
                    var loss = GradientAscent.Loss(encodeText(soft), features);                                     // [B]
                    optimizer.zero_grad();
                    loss.mean().backward();
                    optimizer.step();
                    loss.mean().item<float>();
                }
                Measure.Sync(device);
                if (i > 0)
                    times.Add(sw.Elapsed.TotalSeconds);
            }
            return times;
        }
        finally
        {
            foreach (var (p, requiresGrad) in saved)
                p.requires_grad = requiresGrad;
        }
    }
}
