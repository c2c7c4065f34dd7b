using System.Text.Json;
using ClipSurgeryWeb.Engine.Tests.Support;

namespace ClipSurgeryWeb.Engine.Tests.Methods;

/// <summary>
/// One golden the methods' own published code made (<c>golden_methods_&lt;peer&gt;.json</c> beside its
/// <c>.safetensors</c>), read as its JSON says: the peer whose code made it, its images, templates, class file
/// (<c>names_file</c>: one class a line, its comma-separated names one query each) and each method's settings (every
/// object-valued entry: slide crop and stride, logit scale, probability threshold, PAMR). The parity tests take their
/// cases from here, so they run unchanged on other goldens of the same format (another model, other images): set
/// <c>CLIPSURGERY_METHOD_GOLDENS</c> to a folder holding such goldens and the model they were made with.
/// </summary>
public sealed class MethodGolden
{
    /// <summary>ClearCLIP's code (ClearCLIP, MaskCLIP): its <c>crop_features</c> hold the patch tokens only.</summary>
    public const string ClearClipPeer = "ClearCLIP";

    private readonly HashSet<string> keys;

    private MethodGolden(string json)
    {
        using var meta = JsonDocument.Parse(File.ReadAllText(json));
        var root = meta.RootElement;
        Name = Path.GetFileNameWithoutExtension(json);
        TensorFile = Path.ChangeExtension(json, ".safetensors");
        Peer = root.GetProperty("peer").GetString()!;
        Images = root.GetProperty("images").EnumerateArray().Select(i => i.GetString()!).ToList();
        Templates = root.GetProperty("templates").EnumerateArray().Select(t => t.GetString()!).ToList();
        NamesFile = root.GetProperty("names_file").GetString()!;
        Classes = NamesFile
            .Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => (IReadOnlyList<string>)line.Split(',').Select(name => name.Trim()).ToList())
            .ToList();
        Queries = Classes.SelectMany(c => c).ToList();
        QueryClass = Classes.SelectMany((names, c) => names.Select(_ => c)).ToList();
        Methods = root.EnumerateObject().Where(p => p.Value.ValueKind == JsonValueKind.Object)
            .Select(p => GoldenMethodSettings.Read(p.Name, p.Value)).ToList();
        keys = SafetensorsKeys(TensorFile);
    }

    /// <summary>The folder of the goldens and their model: <c>CLIPSURGERY_METHOD_GOLDENS</c>, else <c>fixtures/methods</c>.</summary>
    public static string Folder { get; } = Environment.GetEnvironmentVariable("CLIPSURGERY_METHOD_GOLDENS") is { Length: > 0 } folder
        ? Path.GetFullPath(folder)
        : Shared.Fixture("methods");

    /// <summary>Every golden in <see cref="Folder"/>, by name.</summary>
    public static IReadOnlyList<MethodGolden> All { get; } = Directory.GetFiles(Folder, "golden_methods_*.json")
        .Order(StringComparer.Ordinal).Select(f => new MethodGolden(f)).ToList();

    /// <summary>The file's name without extension: <c>golden_methods_naclip</c>.</summary>
    public string Name { get; }

    /// <summary>The tensors' file (absolute), as <see cref="Golden.Get"/> takes it.</summary>
    public string TensorFile { get; }

    /// <summary>Whose code made it (<c>NACLIP</c>, <c>SCLIP</c>, <c>ClearCLIP</c>).</summary>
    public string Peer { get; }

    public IReadOnlyList<string> Images { get; }

    /// <summary>The prompt templates, Python's <c>{}</c> form.</summary>
    public IReadOnlyList<string> Templates { get; }

    /// <summary>The class file's text (<c>names_file</c>).</summary>
    public string NamesFile { get; }

    /// <summary>The class file's classes in file order, each its names.</summary>
    public IReadOnlyList<IReadOnlyList<string>> Classes { get; }

    /// <summary>Every name of every class, in file order: one query each.</summary>
    public IReadOnlyList<string> Queries { get; }

    /// <summary>Each query's class (0…C−1 in file order), as <c>SlideInference.Classify</c> takes it.</summary>
    public IReadOnlyList<int> QueryClass { get; }

    /// <summary>The methods it holds outputs of, with their settings, in the JSON's order.</summary>
    public IReadOnlyList<GoldenMethodSettings> Methods { get; }

    /// <summary>Whether the tensors' file holds <paramref name="key"/> (read from its header, no tensor loaded).</summary>
    public bool Has(string key) => keys.Contains(key);

    /// <summary>The golden holding <paramref name="method"/>'s outputs.</summary>
    public static MethodGolden Of(string method) => All.SingleOrDefault(g => g.Methods.Any(m => m.Name == method))
        ?? throw new KeyNotFoundException($"no golden in {Folder} holds '{method}'");

    /// <summary><paramref name="method"/>'s settings in its golden.</summary>
    public static GoldenMethodSettings SettingsOf(string method) => Of(method).Methods.Single(m => m.Name == method);

    /// <summary>Every method of every golden, with its golden.</summary>
    public static IEnumerable<(MethodGolden Golden, GoldenMethodSettings Method)> EveryMethod() =>
        All.SelectMany(g => g.Methods.Select(m => (g, m)));

    /// <summary>The keys of a safetensors file: its 8-byte little-endian header length, then the header's JSON object.</summary>
    private static HashSet<string> SafetensorsKeys(string file)
    {
        using var stream = File.OpenRead(file);
        var length = new byte[8];
        stream.ReadExactly(length);
        var header = new byte[BitConverter.ToInt64(length)];
        stream.ReadExactly(header);
        using var doc = JsonDocument.Parse(header);
        return doc.RootElement.EnumerateObject().Select(p => p.Name).Where(k => k != "__metadata__").ToHashSet();
    }

    public override string ToString() => Name;
}
