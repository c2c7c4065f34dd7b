using System.Buffers.Binary;
using System.Text.Json;
using ClipSurgeryWeb.Engine.Checkpoints;
using ClipSurgeryWeb.Engine.Explaining;
using ClipSurgeryWeb.Engine.Points;

namespace ClipSurgeryWeb.Engine.Segmentation;

/// <summary>
/// The SAM point prompts an explanation stored: int64 <c>points.&lt;target&gt;</c> [K, 2] (x, y) and
/// <c>point_labels.&lt;target&gt;</c> [K] in <c>maps.safetensors</c> (<see cref="ExplanationWriter"/>) or
/// <c>masks.safetensors</c> (<see cref="SegmentationWriter"/>). Only those entries are read: a run's maps file holds every
/// float map as well (hundreds of MB for a long run), which a prompt has no use for.
/// </summary>
public static class StoredPrompts
{
    /// <summary>Target → its prompt, for every target with both entries; a missing file reads as none.</summary>
    /// <exception cref="EngineInputException">The file is no usable safetensors file, or a points entry has the wrong dtype or shape.</exception>
    public static IReadOnlyDictionary<string, SamPrompt> Read(string path)
    {
        if (!File.Exists(path))
            return new Dictionary<string, SamPrompt>();
        var names = SafetensorsHeader.Read(path);   // the engine's checks: offsets inside the file, known dtypes
        const string points = "points.", labels = "point_labels.";
        var targets = names.Where(n => n.StartsWith(points, StringComparison.Ordinal)).Select(n => n[points.Length..])
            .Where(t => names.Contains(labels + t)).ToList();
        var result = new Dictionary<string, SamPrompt>(StringComparer.Ordinal);
        if (targets.Count == 0)
            return result;

        using var stream = File.OpenRead(path);
        Span<byte> lengthBytes = stackalloc byte[8];
        stream.ReadExactly(lengthBytes);
        var headerLength = (long)BinaryPrimitives.ReadUInt64LittleEndian(lengthBytes);
        var header = new byte[headerLength];
        stream.ReadExactly(header);
        using var doc = JsonDocument.Parse(header);
        long[] Longs(string name, int rank)
        {
            var entry = doc.RootElement.GetProperty(name);
            var shape = entry.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()).ToArray();
            if (entry.GetProperty("dtype").GetString() != "I64" || shape.Length != rank || (rank == 2 && shape[1] != 2))
                throw new EngineInputException(Path.GetFileName(path), $"'{name}' is not int64 [K{(rank == 2 ? ", 2" : "")}]");
            var offsets = entry.GetProperty("data_offsets").EnumerateArray().Select(o => o.GetInt64()).ToArray();
            var bytes = new byte[offsets[1] - offsets[0]];
            stream.Position = 8 + headerLength + offsets[0];
            stream.ReadExactly(bytes);
            var values = new long[bytes.Length / 8];
            for (var i = 0; i < values.Length; i++)
                values[i] = BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(8 * i));
            return values;
        }

        foreach (var target in targets)
        {
            var xy = Longs(points + target, rank: 2);
            var l = Longs(labels + target, rank: 1);
            if (xy.Length != 2 * l.Length)
                throw new EngineInputException(Path.GetFileName(path), $"'{points}{target}' has {xy.Length / 2} points but '{labels}{target}' {l.Length} labels");
            // [K*2] -> K (x, y) pairs
            var prompt = new SamPrompt(
                Enumerable.Range(0, l.Length).Select(i => ((int)xy[2 * i], (int)xy[2 * i + 1])).ToArray(),
                l.Select(v => (int)v).ToArray());
            if (prompt.Count > 0)
                result[target] = prompt;
        }
        return result;
    }

    /// <summary>The prompts of an image's result folder: <c>maps.safetensors</c>'s, then <c>masks.safetensors</c>'s for targets the maps lack.</summary>
    public static IReadOnlyDictionary<string, SamPrompt> InFolder(string folder)
    {
        var found = new Dictionary<string, SamPrompt>(Read(Path.Combine(folder, OutputNames.MapsFile)), StringComparer.Ordinal);
        foreach (var (target, prompt) in Read(Path.Combine(folder, SegmentationWriter.MasksFile)))
            found.TryAdd(target, prompt);
        return found;
    }
}
