using System.Buffers.Binary;
using System.Text.Json;

namespace ClipSurgeryWeb.Engine.Checkpoints;

/// <summary>
/// The header of a safetensors file (u64 little-endian length, then a JSON object of name → dtype, shape,
/// data_offsets), checked against the file before any tensor is read: a header that runs past the file, is not
/// JSON, names a dtype TorchSharp has no tensor for, or points outside the data is refused with the reason.
/// </summary>
public static class SafetensorsHeader
{
    /// <summary>Bytes per element of the dtypes TorchSharp can hold.</summary>
    private static readonly Dictionary<string, int> ElementSizes = new(StringComparer.Ordinal)
    {
        ["F64"] = 8, ["F32"] = 4, ["F16"] = 2, ["BF16"] = 2,
        ["I64"] = 8, ["I32"] = 4, ["I16"] = 2, ["I8"] = 1, ["U8"] = 1, ["BOOL"] = 1,
    };

    /// <summary>A header larger than this is not believed (the official files' headers are a few hundred KB).</summary>
    private const long MaxHeaderBytes = 100_000_000;

    /// <summary>The tensor names, after checking every entry against the file's size.</summary>
    /// <exception cref="EngineInputException">The header does not describe the file.</exception>
    public static IReadOnlyList<string> Read(string path)
    {
        using var stream = File.OpenRead(path);
        long fileLength = stream.Length;
        Span<byte> lengthBytes = stackalloc byte[8];
        if (stream.ReadAtLeast(lengthBytes, 8, throwOnEndOfStream: false) < 8)
            throw Bad(path, "the file is shorter than the 8-byte header length");
        var headerLength = BinaryPrimitives.ReadUInt64LittleEndian(lengthBytes);
        if (headerLength > (ulong)(fileLength - 8))
            throw Bad(path, $"its header claims {headerLength:N0} bytes but the file has {fileLength - 8:N0} after the length (truncated download?)");
        if ((long)headerLength > MaxHeaderBytes)
            throw Bad(path, $"its header size ({headerLength:N0} bytes) is implausible");

        var header = new byte[headerLength];
        stream.ReadExactly(header);
        long dataLength = fileLength - 8 - (long)headerLength;

        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(header);
        }
        catch (JsonException e)
        {
            throw Bad(path, $"its header is not valid JSON ({e.Message.Split('\n')[0]})");
        }

        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
                throw Bad(path, "its header is not a JSON object");
            var names = new List<string>();
            foreach (var entry in doc.RootElement.EnumerateObject())
            {
                if (entry.Name == "__metadata__")
                {
                    CheckMetadata(path, entry.Value);
                    continue;
                }
                CheckEntry(path, entry, dataLength);
                names.Add(entry.Name);
            }
            return names;
        }
    }

    private static void CheckEntry(string path, JsonProperty entry, long dataLength)
    {
        var value = entry.Value;
        if (value.ValueKind != JsonValueKind.Object
            || !value.TryGetProperty("dtype", out var dtypeElement) || dtypeElement.ValueKind != JsonValueKind.String
            || !value.TryGetProperty("shape", out var shapeElement) || shapeElement.ValueKind != JsonValueKind.Array
            || !value.TryGetProperty("data_offsets", out var offsetsElement) || offsetsElement.ValueKind != JsonValueKind.Array)
            throw Bad(path, $"tensor '{entry.Name}' lacks a dtype, shape or data_offsets");

        var dtype = dtypeElement.GetString()!;
        if (!ElementSizes.TryGetValue(dtype, out var size))
            throw Bad(path, $"tensor '{entry.Name}' has dtype {dtype}, which cannot be read (only {string.Join(", ", ElementSizes.Keys)})");

        long count = 1;
        foreach (var d in shapeElement.EnumerateArray())
        {
            if (d.ValueKind != JsonValueKind.Number || !d.TryGetInt64(out var dim) || dim < 0)
                throw Bad(path, $"tensor '{entry.Name}' has a shape that is not a list of sizes");
            count = dim == 0 ? 0 : count > long.MaxValue / dim ? long.MaxValue : count * dim;
        }

        var offsets = offsetsElement.EnumerateArray().ToArray();
        // TryGetInt64 throws on anything but a number: the kind is checked first.
        if (offsets.Length != 2
            || offsets[0].ValueKind != JsonValueKind.Number || !offsets[0].TryGetInt64(out var begin)
            || offsets[1].ValueKind != JsonValueKind.Number || !offsets[1].TryGetInt64(out var end))
            throw Bad(path, $"tensor '{entry.Name}' has data_offsets that are not two integers");
        if (begin < 0 || end < begin || end > dataLength)
            throw Bad(path, $"tensor '{entry.Name}' has data at bytes {begin:N0}…{end:N0}, outside the file's {dataLength:N0} bytes of data (truncated download?)");
        if (count > (end - begin) / size || count * size != end - begin)
            throw Bad(path, $"tensor '{entry.Name}' has {end - begin:N0} bytes of data where its shape and {dtype} need {(count == long.MaxValue ? "more" : (count * size).ToString("N0"))}");
    }

    /// <summary>The format allows only a flat object of strings under <c>__metadata__</c>.</summary>
    private static void CheckMetadata(string path, JsonElement metadata)
    {
        if (metadata.ValueKind != JsonValueKind.Object || metadata.EnumerateObject().Any(p => p.Value.ValueKind != JsonValueKind.String))
            throw Bad(path, "its __metadata__ is not an object of strings");
    }

    private static EngineInputException Bad(string path, string reason) => new(path, $"not a usable safetensors file: {reason}");
}
