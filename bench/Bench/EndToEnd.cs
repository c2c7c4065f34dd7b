using ClipSurgeryWeb.Engine.Checkpoints;
using System.Diagnostics;
using System.Text.Json;
using ClipSurgeryWeb.Engine.Explaining;
using ClipSurgeryWeb.Engine.Hosting;
using ClipSurgeryWeb.Engine.Imaging;
using ClipSurgeryWeb.Engine.Methods;
using ClipSurgeryWeb.Engine.Tokenization;
using TorchSharp;

namespace ClipSurgeryWeb.Bench;

/// <summary>
/// The end-to-end bench: the reference <c>demo.py</c>'s explain steps per image, through the engine's public API
/// (<see cref="ClipExplainer"/>, <see cref="ExplanationWriter"/>: the CLI's code paths), over N images cycled from the
/// reference's sample images. Per image: load → plain CLIP and CLIP Surgery at the model's size over the 59 PASCAL-Context
/// labels → Surgery at 512 over the same labels, plus single-label Surgery maps and SAM points at 512 → overlay PNGs of the
/// 4 demo targets written. (The demo's single text and points are done for each of the 4 targets: a superset.) SAM itself
/// is not run (the demo's SAM ViT-H is timed apart). Image 1 encodes the text (cold); later images find it cached.
/// </summary>
public static class EndToEnd
{
    /// <summary>The demo's <c>all_texts</c>: the 59 PASCAL-Context labels.</summary>
    public static readonly string[] Labels =
    [
        "airplane", "bag", "bed", "bedclothes", "bench", "bicycle", "bird", "boat", "book", "bottle", "building", "bus",
        "cabinet", "car", "cat", "ceiling", "chair", "cloth", "computer", "cow", "cup", "curtain", "dog", "door", "fence",
        "floor", "flower", "food", "grass", "ground", "horse", "keyboard", "light", "motorbike", "mountain", "mouse",
        "person", "plate", "platform", "potted plant", "road", "rock", "sheep", "shelves", "sidewalk", "sign", "sky", "snow",
        "sofa", "table", "track", "train", "tree", "truck", "tv monitor", "wall", "water", "window", "wood",
    ];

    /// <summary>The demo's <c>target_texts</c>.</summary>
    public static readonly string[] Targets = ["bench", "person", "ground", "building"];

    public const int HighResolution = 512;

    public static int Run(BenchArgs a)
    {
        Threads.Apply(a.Threads);
        using var random = a.Checkpoint is null ? RandomCheckpoint.Write(a.Arch) : null;
        var report = Pipeline(a.Checkpoint ?? random!.Path, a, Console.Error);
        report["arch"] = a.Checkpoint is null ? a.Arch : Path.GetFileName(a.Checkpoint);
        Print(report);
        Json.Write(a.Json, report);
        return 0;
    }

    /// <summary>Runs the pipeline over <see cref="BenchArgs.Images"/> images and returns the figures (seconds, bytes).</summary>
    public static Dictionary<string, object?> Pipeline(string checkpoint, BenchArgs a, TextWriter log)
    {
        var images = Directory.GetFiles(a.ImageDir)
            .Where(f => f.EndsWith(".png", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".jpg", StringComparison.OrdinalIgnoreCase))
            .Order(StringComparer.Ordinal).ToArray();
        if (images.Length == 0)
            throw new BenchArgsException($"no .png or .jpg images in {a.ImageDir}");

        var tokenizer = ClipTokenizer.FromFile(a.Vocab);
        var options = new EngineOptions(a.Device, TextCacheDir: null, Precision: a.Precision);
        var loadWatch = Stopwatch.StartNew();
        using var explainer = ClipExplainer.Load(checkpoint, tokenizer, options, Activation.QuickGelu);   // random weights of an OpenAI architecture
        double loadSeconds = loadWatch.Elapsed.TotalSeconds;
        var device = explainer.Device;
        int native = explainer.Model.Visual.InputResolution;
        var atNative = new ExplainRequest(Labels, Targets, native, [MapMethod.Plain, MapMethod.Surgery]);
        var at512 = new ExplainRequest(Labels, Targets, HighResolution, [MapMethod.Surgery, MapMethod.Single]);
        var output = Directory.CreateTempSubdirectory("clipsurgery-e2e-").FullName;
        Directory.CreateDirectory(Path.Combine(output, "native"));
        Directory.CreateDirectory(Path.Combine(output, "512"));

        var perImage = new List<double>();
        var phases = new Dictionary<string, List<double>> { ["load"] = [], ["explain_native"] = [], ["write_native"] = [], ["explain_512"] = [], ["write_512"] = [] };
        var rss = new Dictionary<string, long>();
        var cuda = new Dictionary<string, long?>();
        int overlays = 0;
        try
        {
            for (int i = 0; i < a.Images; i++)
            {
                var total = Stopwatch.StartNew();
                var sw = Stopwatch.StartNew();
                using var image = ImageLoader.Load(images[i % images.Length]);
                phases["load"].Add(Lap(sw, device));
                var native1 = explainer.Explain(image, atNative);
                phases["explain_native"].Add(Lap(sw, device));
                overlays += ExplanationWriter.WriteFiles(native1, image, Path.Combine(output, "native"), saveMaps: false).Count;
                phases["write_native"].Add(Lap(sw, device));
                var high = explainer.Explain(image, at512);
                phases["explain_512"].Add(Lap(sw, device));
                overlays += ExplanationWriter.WriteFiles(high, image, Path.Combine(output, "512"), saveMaps: false).Count;
                phases["write_512"].Add(Lap(sw, device));
                Measure.Sync(device);
                perImage.Add(total.Elapsed.TotalSeconds);

                int n = i + 1;
                if (n == 1 || n == 20 || n == 200 || n == a.Images)
                {
                    rss[$"after_image_{n}"] = ProcessMemory.RssBytes();
                    if (device.type == DeviceType.CUDA)
                        cuda[$"after_image_{n}"] = ProcessMemory.CudaMiB();
                }
                if (n == 1 || n % 10 == 0 || n == a.Images)
                    log.WriteLine($"e2e: image {n}/{a.Images} {perImage[^1] * 1000:F0} ms, RSS {ProcessMemory.RssBytes() / 1048576.0:F0} MiB");
            }
        }
        finally
        {
            if (!a.KeepOutput)
                Directory.Delete(output, recursive: true);
        }

        var steady = perImage.Skip(1).ToList();
        var report = new Dictionary<string, object?>
        {
            ["what"] = "demo.py explain steps per image: plain + Surgery at the model's size, Surgery + single-label maps/points at 512, 59 labels, overlays of 4 targets written",
            ["device"] = device.ToString(),
            ["precision_requested"] = Precisions.Name(a.Precision),
            ["precision_resolved"] = Precisions.Name(Precisions.Resolve(a.Precision, device)),
            ["weights_dtype"] = explainer.Model.Visual.parameters().First().dtype.ToString(),
            ["torch_threads"] = torch.get_num_threads(),
            ["model_load_s"] = loadSeconds,
            ["input_resolution"] = native,
            ["images"] = a.Images,
            ["distinct_images"] = Math.Min(a.Images, images.Length),
            ["overlays_written"] = overlays,
            ["first_image_s"] = perImage[0],
            ["steady"] = steady.Count > 0 ? Measure.Stats(steady) : null,
            ["steady_mean_s"] = steady.Count > 0 ? steady.Average() : null,
            ["images_per_s"] = steady.Count > 0 ? steady.Count / steady.Sum() : null,
            ["phases_steady_median_s"] = phases.ToDictionary(p => p.Key, p => Measure.Median(p.Value.Skip(1).ToList())),
            ["rss_bytes"] = rss,
            ["cuda_mib"] = device.type == DeviceType.CUDA ? cuda : null,
            ["per_image_s"] = perImage,
            ["machine"] = Machine.Describe(),
        };
        if (rss.TryGetValue("after_image_20", out var at20) && rss.TryGetValue($"after_image_{a.Images}", out var atEnd) && a.Images > 20)
            report["rss_growth_from_image_20_pct"] = 100.0 * (atEnd - at20) / at20;
        return report;
    }

    private static double Lap(Stopwatch sw, TorchSharp.torch.Device device)
    {
        Measure.Sync(device);
        var s = sw.Elapsed.TotalSeconds;
        sw.Restart();
        return s;
    }

    private static void Print(Dictionary<string, object?> r)
    {
        var steady = (Dictionary<string, double>?)r["steady"];
        var rss = (Dictionary<string, long>)r["rss_bytes"]!;
        Console.WriteLine($"e2e {r["arch"]} on {r["device"]}, precision {r["precision_resolved"]} (weights {r["weights_dtype"]}), {r["torch_threads"]} threads, {r["images"]} images");
        Console.WriteLine($"  image 1 (cold text):   {(double)r["first_image_s"]! * 1000,10:F0} ms");
        if (steady is not null)
        {
            Console.WriteLine($"  steady per image:      {steady["median_s"] * 1000,10:F0} ms median (min {steady["min_s"] * 1000:F0}, max {steady["max_s"] * 1000:F0})");
            Console.WriteLine($"  images/s (steady):     {(double)r["images_per_s"]!,10:F3}");
        }
        foreach (var (k, v) in (Dictionary<string, double>)r["phases_steady_median_s"]!)
            Console.WriteLine($"    {k,-20} {v * 1000,10:F1} ms");
        foreach (var (k, v) in rss)
            Console.WriteLine($"  RSS {k,-18} {v / 1048576.0,10:F0} MiB");
        if (r.TryGetValue("rss_growth_from_image_20_pct", out var g))
            Console.WriteLine($"  RSS growth image 20 → {r["images"]}: {(double)g!:+0.0;-0.0} % (goal: within ±5 %)");
        if (r["cuda_mib"] is Dictionary<string, long?> cuda)
        {
            foreach (var (k, v) in cuda)
                Console.WriteLine($"  CUDA {k,-17} {v?.ToString() ?? "?",10} MiB");
        }
    }
}

/// <summary>Where the figures came from.</summary>
public static class Machine
{
    public static Dictionary<string, object?> Describe()
    {
        string? cpu = null;
        try
        {
            cpu = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim();
        }
        catch (IOException)
        {
        }
        double? load = null;
        try
        {
            load = double.Parse(File.ReadAllText("/proc/loadavg").Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
        }
        return new()
        {
            ["cpu"] = cpu,
            ["logical_cores"] = Environment.ProcessorCount,
            ["load_average_1min"] = load,
            ["dotnet"] = Environment.Version.ToString(),
            ["date_utc"] = DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm"),
        };
    }
}

public static class Json
{
    public static void Write(string? path, object report)
    {
        if (path is null)
            return;
        File.WriteAllText(path, JsonSerializer.Serialize(report, new JsonSerializerOptions { WriteIndented = true }));
        Console.Error.WriteLine($"wrote {path}");
    }
}

/// <summary>The libtorch intra-op thread count (<c>torch.set_num_threads</c>); unset: libtorch's default.</summary>
public static class Threads
{
    public static void Apply(int? threads)
    {
        if (threads is { } n)
            torch.set_num_threads(n);
    }
}
