using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ClipSurgeryWeb.Engine.Storage;

/// <summary>
/// Writes a safetensors file one tensor at a time: the header (names, dtypes, shapes, offsets) is known up front, and
/// each tensor's bytes are produced only when their turn comes, so a file of many large maps never sits in memory.
/// Tensors of an existing file that are not written again can be carried over byte for byte (<c>mergeFrom</c>).
/// Format: u64 little-endian header length, JSON header padded with spaces to 8 bytes, then the data.
/// </summary>
public static class SafetensorsWriter
{
    /// <summary>One tensor: its dtype name (<c>F32</c>, <c>I64</c>, <c>U8</c>), shape, and a writer of exactly its bytes.</summary>
    public sealed record Entry(string Name, string DType, long[] Shape, Action<Stream> WriteData)
    {
        public long ByteLength => Shape.Aggregate(1L, (a, b) => a * b) * ElementSize(DType);

        public static Entry Floats(string name, long[] shape, Func<float[]> values) =>
            new(name, "F32", shape, s => s.Write(MemoryMarshal.AsBytes(values().AsSpan())));

        public static Entry Longs(string name, long[] shape, long[] values) =>
            new(name, "I64", shape, s => s.Write(MemoryMarshal.AsBytes(values.AsSpan())));
    }

    public static void Write(string path, IReadOnlyList<Entry> entries, string? mergeFrom = null)
    {
        var all = entries.ToList();
        if (mergeFrom is not null && File.Exists(mergeFrom))
        {
            var names = entries.Select(e => e.Name).ToHashSet(StringComparer.Ordinal);
            all.AddRange(ReadEntries(mergeFrom).Where(e => !names.Contains(e.Name)));
        }

        var duplicate = all.GroupBy(e => e.Name).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
            throw new ArgumentException($"tensor '{duplicate.Key}' is given twice", nameof(entries));
        var header = new JsonObject();
        long offset = 0;
        foreach (var e in all)
        {
            header[e.Name] = new JsonObject
            {
                ["dtype"] = e.DType,
                ["shape"] = new JsonArray(e.Shape.Select(d => (JsonNode)d).ToArray()),
                ["data_offsets"] = new JsonArray(offset, offset + e.ByteLength),
            };
            offset += e.ByteLength;
        }
        var json = System.Text.Encoding.UTF8.GetBytes(header.ToJsonString());
        int padded = (json.Length + 7) / 8 * 8;

        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20);
        Span<byte> length = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)padded);
        stream.Write(length);
        stream.Write(json);
        for (int i = json.Length; i < padded; i++)
            stream.WriteByte((byte)' ');
        foreach (var e in all)
        {
            long before = stream.Position;
            e.WriteData(stream);
            if (stream.Position - before != e.ByteLength)
                throw new InvalidOperationException($"{e.Name}: wrote {stream.Position - before} bytes, its shape needs {e.ByteLength}");
        }
    }

    /// <summary>The tensors of an existing file, as entries that copy their bytes from it.</summary>
    private static IEnumerable<Entry> ReadEntries(string path)
    {
        byte[] headerBytes;
        long dataStart;
        using (var stream = File.OpenRead(path))
        {
            Span<byte> length = stackalloc byte[8];
            stream.ReadExactly(length);
            var size = (int)BinaryPrimitives.ReadUInt64LittleEndian(length);
            headerBytes = new byte[size];
            stream.ReadExactly(headerBytes);
            dataStart = 8 + size;
        }
        using var doc = JsonDocument.Parse(headerBytes);
        var entries = new List<Entry>();
        foreach (var p in doc.RootElement.EnumerateObject())
        {
            if (p.Name == "__metadata__")
                continue;
            var dtype = p.Value.GetProperty("dtype").GetString()!;
            var shape = p.Value.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()).ToArray();
            var offsets = p.Value.GetProperty("data_offsets").EnumerateArray().Select(d => d.GetInt64()).ToArray();
            long begin = dataStart + offsets[0], count = offsets[1] - offsets[0];
            entries.Add(new Entry(p.Name, dtype, shape, output =>
            {
                using var input = File.OpenRead(path);
                input.Position = begin;
                var buffer = new byte[Math.Min(count, 1 << 20)];
                for (long left = count; left > 0;)
                {
                    int read = input.Read(buffer, 0, (int)Math.Min(buffer.Length, left));
                    if (read == 0)
                        throw new EndOfStreamException($"{path}: {p.Name} is cut short");
                    output.Write(buffer, 0, read);
                    left -= read;
                }
            }));
        }
        return entries;
    }

    private static int ElementSize(string dtype) => dtype switch
    {
        "F64" or "I64" or "U64" => 8,
        "F32" or "I32" or "U32" => 4,
        "F16" or "BF16" or "I16" or "U16" => 2,
        "U8" or "I8" or "BOOL" => 1,
        _ => throw new ArgumentException($"unknown safetensors dtype {dtype}", nameof(dtype)),
    };
}
