using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using ClipSurgeryWeb.Jobs.Engine;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace ClipSurgeryWeb.Tests.Fakes;

/// <summary>
/// A deterministic stand-in for the numeric engine: writes small real PNGs, a tokens.csv and words.txt, reports
/// progress with short sleeps and honours cancellation, so tests exercise the whole web/job/SignalR path. Swap the
/// registration for the real engine to run the same tests against the tiny fixture model.
/// </summary>
public sealed class FakeClipEngine : IClipEngine
{
    /// <summary>Words every opinions call returns: two are longer than 15 characters (records).</summary>
    public static readonly IReadOnlyList<TokenCount> Tokens =
    [
        new("cat", 5), new("whiskers", 3), new("photographically", 2), new("sofa", 1), new("extraordinarily", 1),
        new("incomprehensibilities", 1),
    ];

    /// <summary>Words opinions calls return besides the tokens' words.</summary>
    public List<string> ExtraWords { get; } = [];

    private readonly ConcurrentQueue<(string Method, string ImagePath)> _calls = new();
    private readonly ConcurrentQueue<ExplainSpec> _explainSpecs = new();
    private readonly ConcurrentQueue<OpinionSpec> _opinionSpecs = new();

    /// <summary>Pause per step (per written file, per 10 iterations, per download chunk).</summary>
    public TimeSpan StepDelay { get; set; } = TimeSpan.Zero;

    /// <summary>
    /// Images whose path contains a key fail with the value as reason (an EngineInputException); a key
    /// "method:part" (e.g. "explain:abc") fails only that method.
    /// </summary>
    public ConcurrentDictionary<string, string> Failures { get; } = new();

    /// <summary>Like <see cref="Failures"/>, but the error names the image file it was given, as the real engine's image loader does.</summary>
    public ConcurrentDictionary<string, string> FailuresNamingTheFile { get; } = new();

    /// <summary>
    /// Called with the method, the image path and the call's token as a call begins, before it writes anything. A test
    /// holds the engine here (waiting on a gate, or on the token) to act at a known point instead of racing a timer.
    /// </summary>
    public Action<string, string, CancellationToken>? Starting { get; set; }

    /// <summary>Called with each heatmap's name as explain writes it, before the job hears of it.</summary>
    public Action<string>? Writing { get; set; }

    /// <summary>Called with the method and image path when a call has written all its files, just before it returns.</summary>
    public Action<string, string>? Finishing { get; set; }

    public IReadOnlyList<(string Method, string ImagePath)> Calls => _calls.ToArray();

    /// <summary>Every explain call's settings, in call order.</summary>
    public IReadOnlyList<ExplainSpec> ExplainSpecs => _explainSpecs.ToArray();

    /// <summary>Every opinions call's settings, in call order.</summary>
    public IReadOnlyList<OpinionSpec> OpinionSpecs => _opinionSpecs.ToArray();

    public int CallsFor(string method, string pathPart) => Calls.Count(c => c.Method == method && c.ImagePath.Contains(pathPart));

    public IReadOnlyList<string> OfficialClipModels { get; } = ["RN50", "ViT-B/16"];

    public IReadOnlyList<string> OfficialSamModels { get; } = ["vit_b"];

    public IReadOnlyList<InstalledModel> ListModels(string modelsDir) =>
        !Directory.Exists(modelsDir)
            ? []
            : Directory.EnumerateFiles(modelsDir).Where(IsCheckpointName).Order(StringComparer.Ordinal).Select(Inspect).ToList();

    public InstalledModel Inspect(string checkpointPath)
    {
        var name = Path.GetFileName(checkpointPath);
        if (!File.Exists(checkpointPath))
            throw new EngineInputException(name, "file not found");
        var head = new byte[2];
        using (var stream = File.OpenRead(checkpointPath))
            _ = stream.Read(head);
        var safetensors = name.EndsWith(".safetensors", StringComparison.OrdinalIgnoreCase);
        if (!safetensors && (head[0] != (byte)'P' || head[1] != (byte)'K'))
            throw new EngineInputException(name, "not a PyTorch checkpoint (no zip archive inside)");
        var kind = name.Contains("sam", StringComparison.OrdinalIgnoreCase) ? "sam" : "clip";
        var format = safetensors ? "safetensors" : name.Contains("jit", StringComparison.OrdinalIgnoreCase) ? "torchscript" : "state-dict";
        using var content = File.OpenRead(checkpointPath);
        return new InstalledModel(Path.GetFileNameWithoutExtension(name), Path.GetFullPath(checkpointPath), kind, format,
            new FileInfo(checkpointPath).Length, Convert.ToHexStringLower(SHA256.HashData(content)), null);
    }

    public void Download(string officialName, string modelsDir, IProgress<DownloadProgress> progress, CancellationToken ct)
    {
        const int chunks = 5;
        var target = Path.Combine(modelsDir, officialName.Replace('/', '-') + ".pt");
        Directory.CreateDirectory(modelsDir);
        using (var output = File.Create(target + ".part"))
        {
            output.Write("PK"u8);
            for (var i = 1; i <= chunks; i++)
            {
                ct.ThrowIfCancellationRequested();
                output.Write(new byte[1024]);
                progress.Report(new DownloadProgress(i * 1024L, chunks * 1024L));
                Pause(ct);
            }
        }
        File.Move(target + ".part", target, overwrite: true);
    }

    /// <summary>Every explain call's image and the run's images it was told come next, in call order.</summary>
    public IReadOnlyList<(string ImagePath, IReadOnlyList<string> NextImages)> ExplainNextImages => _explainNext.ToArray();

    private readonly ConcurrentQueue<(string ImagePath, IReadOnlyList<string> NextImages)> _explainNext = new();

    public void Explain(ExplainSpec spec, string imagePath, IReadOnlyList<string> nextImages, string outputDir, Action<string> onFile, CancellationToken ct)
    {
        _explainNext.Enqueue((imagePath, nextImages.ToArray()));
        Explain(spec, imagePath, outputDir, onFile, ct);
    }

    public void Explain(ExplainSpec spec, string imagePath, string outputDir, Action<string> onFile, CancellationToken ct)
    {
        _explainSpecs.Enqueue(spec);
        Begin("explain", imagePath, ct);
        foreach (var target in spec.Targets)
        {
            foreach (var mode in spec.Modes)
            {
                ct.ThrowIfCancellationRequested();
                var name = $"{mode}_{target}.png";
                WritePng(Path.Combine(outputDir, name), $"{mode}/{target}");
                Writing?.Invoke(name);
                onFile(name);
                Pause(ct);
            }
        }
        File.WriteAllBytes(Path.Combine(outputDir, "maps.safetensors"), Encoding.UTF8.GetBytes("fake maps"));
        Finishing?.Invoke("explain", imagePath);
    }

    public OpinionOutcome Opinions(OpinionSpec spec, string imagePath, string outputDir, Action<OpinionProgress> onProgress, CancellationToken ct)
    {
        _opinionSpecs.Enqueue(spec);
        Begin("opinions", imagePath, ct);
        for (var i = 10; i <= spec.Iterations; i += 10)
        {
            ct.ThrowIfCancellationRequested();
            onProgress(new OpinionProgress(i, spec.Iterations, -20f - 10f * i / spec.Iterations, "cat whiskers photographically"));
            Pause(ct);
        }
        onProgress(new OpinionProgress(spec.Iterations, spec.Iterations, -30f, "cat whiskers photographically"));
        File.WriteAllLines(Path.Combine(outputDir, "tokens.csv"), ["Token,Frequency", .. Tokens.Select(t => $"{t.Token},{t.Frequency}")]);
        var words = Tokens.Select(t => t.Token).Concat(ExtraWords).ToList();
        File.WriteAllLines(Path.Combine(outputDir, "words.txt"), words);
        return new OpinionOutcome(Tokens, words);
    }

    public void Segment(SegmentSpec spec, string imagePath, string outputDir, Action<string> onFile, CancellationToken ct)
    {
        Begin("segment", imagePath, ct);
        foreach (var target in spec.Targets)
        {
            ct.ThrowIfCancellationRequested();
            foreach (var kind in new[] { "mask", "overlay" })
            {
                var name = $"{kind}_{target}.png";
                WritePng(Path.Combine(outputDir, name), $"{kind}/{target}");
                onFile(name);
            }
            Pause(ct);
        }
        File.WriteAllBytes(Path.Combine(outputDir, "masks.safetensors"), Encoding.UTF8.GetBytes("fake masks"));
    }

    private void Begin(string method, string imagePath, CancellationToken ct)
    {
        _calls.Enqueue((method, imagePath));
        Starting?.Invoke(method, imagePath, ct);
        if (!File.Exists(imagePath))
            throw new EngineInputException(Path.GetFileName(imagePath), "image file not found");
        foreach (var (key, reason) in FailuresNamingTheFile)
        {
            if (imagePath.Contains(key))
                throw new EngineInputException(imagePath, reason);
        }
        foreach (var (key, reason) in Failures)
        {
            var colon = key.IndexOf(':');
            var applies = colon < 0 ? imagePath.Contains(key) : key[..colon] == method && imagePath.Contains(key[(colon + 1)..]);
            if (applies)
                throw new EngineInputException("image", reason);
        }
    }

    private void Pause(CancellationToken ct)
    {
        if (StepDelay > TimeSpan.Zero)
            ct.WaitHandle.WaitOne(StepDelay);
        ct.ThrowIfCancellationRequested();
    }

    private static bool IsCheckpointName(string path) =>
        Path.GetExtension(path).ToLowerInvariant() is ".pt" or ".pth" or ".safetensors";

    /// <summary>A 64×48 gradient whose colour depends on the text, so different maps look different.</summary>
    public static void WritePng(string path, string seed)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(seed));
        using var image = new Image<Rgba32>(64, 48);
        for (var y = 0; y < image.Height; y++)
        {
            for (var x = 0; x < image.Width; x++)
                image[x, y] = new Rgba32((byte)(hash[0] ^ (x * 4)), (byte)(hash[1] ^ (y * 5)), hash[2], 255);
        }
        image.SaveAsPng(path);
    }
}
