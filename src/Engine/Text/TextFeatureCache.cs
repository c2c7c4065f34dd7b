using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using ClipSurgeryWeb.Engine.Hosting;

namespace ClipSurgeryWeb.Engine.Text;

/// <summary>
/// Prompt-ensemble features per (model checksum, precision, label), in memory and, when a folder is given, on disk,
/// so a second image — or a second run — with the same labels encodes no text. One small file per label:
/// <c>&lt;dir&gt;/&lt;model sha256&gt;/&lt;sha256(templates + label)&gt;.f32</c> for fp32 (the layout from before
/// precisions, still read as it is), <c>&lt;dir&gt;/&lt;model sha256&gt;/fp16/…</c> and <c>…/bf16/…</c> for features a
/// half-precision text tower computed; always raw little-endian float32. An ensemble of one precision is never
/// served to a run of another (they differ by the half type's rounding).
/// </summary>
public sealed class TextFeatureCache(string? directory)
{
    /// <summary>Labels kept in memory (about 2 KB each for ViT-B); beyond that the disk copy serves them.</summary>
    private const int MemoryLimit = 20_000;

    private readonly ConcurrentDictionary<(string Model, Precision Precision, string Key), float[]> memory = new();

    public string? Directory { get; } = directory;

    /// <param name="precision">The resolved precision of the text tower (fp32, fp16 or bf16).</param>
    public bool TryGet(string modelSha256, Precision precision, string label, IReadOnlyList<string> templates, int dim, out float[] features)
    {
        RequireResolved(precision);
        var key = Key(label, templates);
        if (memory.TryGetValue((modelSha256, precision, key), out features!))
            return true;

        var file = FileFor(modelSha256, precision, key);
        if (file is not null && File.Exists(file))
        {
            var bytes = File.ReadAllBytes(file);
            if (bytes.Length == dim * sizeof(float))
            {
                features = new float[dim];
                Buffer.BlockCopy(bytes, 0, features, 0, bytes.Length);
                Remember((modelSha256, precision, key), features);
                return true;
            }
        }
        features = [];
        return false;
    }

    public void Put(string modelSha256, Precision precision, string label, IReadOnlyList<string> templates, float[] features)
    {
        RequireResolved(precision);
        var key = Key(label, templates);
        Remember((modelSha256, precision, key), features);
        var file = FileFor(modelSha256, precision, key);
        if (file is null)
            return;

        try
        {
            System.IO.Directory.CreateDirectory(Path.GetDirectoryName(file)!);
            var bytes = new byte[features.Length * sizeof(float)];
            Buffer.BlockCopy(features, 0, bytes, 0, bytes.Length);
            var tmp = $"{file}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp";
            File.WriteAllBytes(tmp, bytes);
            File.Move(tmp, file, overwrite: true);
        }
        catch (IOException)
        {
            // A cache that cannot be written is only slower: the features are still in memory.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private void Remember((string Model, Precision Precision, string Key) key, float[] features)
    {
        if (memory.Count < MemoryLimit)
            memory[key] = features;
    }

    /// <summary>fp32 keeps the original layout (files written before precisions existed stay valid); halves get a subfolder.</summary>
    private string? FileFor(string modelSha256, Precision precision, string key) => Directory is null
        ? null
        : precision == Precision.Fp32
            ? Path.Combine(Directory, modelSha256, key + ".f32")
            : Path.Combine(Directory, modelSha256, Precisions.Name(precision), key + ".f32");

    private static void RequireResolved(Precision precision)
    {
        if (precision == Precision.Auto)
            throw new ArgumentException("text features are cached per resolved precision, not auto", nameof(precision));
    }

    private static string Key(string label, IReadOnlyList<string> templates)
    {
        var text = string.Join("\n", templates) + "\n\n" + label;
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
    }
}
