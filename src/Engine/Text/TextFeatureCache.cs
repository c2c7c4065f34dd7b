using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;

namespace ClipSurgeryWeb.Engine.Text;

/// <summary>
/// Prompt-ensemble features per (model checksum, label), in memory and, when a folder is given, on disk, so a second
/// image — or a second run — with the same labels encodes no text. One small file per label:
/// <c>&lt;dir&gt;/&lt;model sha256&gt;/&lt;sha256(templates + label)&gt;.f32</c>, raw little-endian float32.
/// </summary>
public sealed class TextFeatureCache(string? directory)
{
    /// <summary>Labels kept in memory (about 2 KB each for ViT-B); beyond that the disk copy serves them.</summary>
    private const int MemoryLimit = 20_000;

    private readonly ConcurrentDictionary<(string Model, string Key), float[]> memory = new();

    public string? Directory { get; } = directory;

    public bool TryGet(string modelSha256, string label, IReadOnlyList<string> templates, int dim, out float[] features)
    {
        var key = Key(label, templates);
        if (memory.TryGetValue((modelSha256, key), out features!))
            return true;

        var file = FileFor(modelSha256, key);
        if (file is not null && File.Exists(file))
        {
            var bytes = File.ReadAllBytes(file);
            if (bytes.Length == dim * sizeof(float))
            {
                features = new float[dim];
                Buffer.BlockCopy(bytes, 0, features, 0, bytes.Length);
                Remember((modelSha256, key), features);
                return true;
            }
        }
        features = [];
        return false;
    }

    public void Put(string modelSha256, string label, IReadOnlyList<string> templates, float[] features)
    {
        var key = Key(label, templates);
        Remember((modelSha256, key), features);
        var file = FileFor(modelSha256, key);
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

    private void Remember((string Model, string Key) key, float[] features)
    {
        if (memory.Count < MemoryLimit)
            memory[key] = features;
    }

    private string? FileFor(string modelSha256, string key) =>
        Directory is null ? null : Path.Combine(Directory, modelSha256, key + ".f32");

    private static string Key(string label, IReadOnlyList<string> templates)
    {
        var text = string.Join("\n", templates) + "\n\n" + label;
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
    }
}
