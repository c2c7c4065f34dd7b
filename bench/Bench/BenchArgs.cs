using ClipSurgeryWeb.Engine.Hosting;

namespace ClipSurgeryWeb.Bench;

public sealed class BenchArgsException(string message) : Exception(message);

/// <summary>
/// The bench's options (the names of the shared command lines): <c>--device</c>, <c>--precision</c>, <c>--images</c>,
/// <c>--arch</c>, <c>--json</c>, plus <c>--checkpoint</c> (weights to use instead of fresh random ones), <c>--image-dir</c>,
/// <c>--vocab</c>, <c>--threads</c>, <c>--steps</c> (opinion iterations timed) and <c>--repeats</c>.
/// </summary>
public sealed record BenchArgs(
    DevicePreference Device,
    Precision Precision,
    int Images,
    string Arch,
    string? Json,
    string? Checkpoint,
    string ImageDir,
    string Vocab,
    int? Threads,
    int Steps,
    int Repeats,
    bool KeepOutput,
    IReadOnlySet<string> Sections)
{
    public static readonly string[] AllSections = ["sgemm", "encode", "text", "opinions", "pipeline"];

    /// <summary>Whether <c>parts</c> measures <paramref name="section"/> (<c>--sections sgemm,encode,text,opinions,pipeline</c>; default all but <c>text</c>, which <c>opinions</c> includes).</summary>
    public bool Has(string section) => Sections.Contains(section);

    public static BenchArgs Parse(string[] args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var flags = new HashSet<string>(StringComparer.Ordinal);
        string[] known = ["--device", "--precision", "--images", "--arch", "--json", "--checkpoint", "--image-dir", "--vocab", "--threads", "--steps", "--repeats", "--sections"];
        for (int i = 0; i < args.Length; i++)
        {
            if (args[i] == "--keep-output")
                flags.Add(args[i]);
            else if (known.Contains(args[i]) && i + 1 < args.Length)
                values[args[i]] = args[++i];
            else
                throw new BenchArgsException($"unknown or incomplete option '{args[i]}' (known: {string.Join(" ", known)} --keep-output)");
        }

        var shared = Path.Combine(RepoRoot(), "..", "shared", "reference");
        return new BenchArgs(
            ComputeDevice.Parse(values.GetValueOrDefault("--device", "cpu")),
            Precisions.Parse(values.GetValueOrDefault("--precision", "auto")),
            Int(values, "--images", 20, 2),
            values.GetValueOrDefault("--arch", "ViT-B/16"),
            values.GetValueOrDefault("--json"),
            values.GetValueOrDefault("--checkpoint"),
            values.GetValueOrDefault("--image-dir", Path.Combine(shared, "images")),
            values.GetValueOrDefault("--vocab", Path.Combine(shared, "bpe_simple_vocab_16e6.txt.gz")),
            values.ContainsKey("--threads") ? Int(values, "--threads", 0, 1) : null,
            Int(values, "--steps", 3, 1),
            Int(values, "--repeats", 5, 1),
            flags.Contains("--keep-output"),
            ParseSections(values.GetValueOrDefault("--sections")));
    }

    private static HashSet<string> ParseSections(string? list)
    {
        if (list is null)
            return [.. AllSections.Where(s => s != "text")];   // "text" alone: the opinions section includes it
        var chosen = list.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal);
        var unknown = chosen.Except(AllSections).FirstOrDefault();
        if (unknown is not null)
            throw new BenchArgsException($"--sections: '{unknown}' is not one of {string.Join(", ", AllSections)}");
        return chosen;
    }

    private static int Int(Dictionary<string, string> values, string name, int fallback, int min)
    {
        if (!values.TryGetValue(name, out var text))
            return fallback;
        if (!int.TryParse(text, out var n) || n < min)
            throw new BenchArgsException($"{name} '{text}' is not a whole number ≥ {min}");
        return n;
    }

    /// <summary>The repository root (the folder holding ClipSurgeryWeb.sln), searched upwards from the working directory, then from the binary.</summary>
    public static string RepoRoot()
    {
        foreach (var start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "ClipSurgeryWeb.sln")))
                    return dir.FullName;
            }
        }
        return Environment.CurrentDirectory;
    }
}
