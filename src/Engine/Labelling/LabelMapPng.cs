using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace ClipSurgeryWeb.Engine.Labelling;

/// <summary>
/// Writes a label map as an 8-bit palette PNG whose pixel values are the class ids and whose palette holds the classes'
/// colours, as VOC's <c>SegmentationClass</c> files are (so <see cref="Evaluation.LabelPng"/>, PIL and mmseg read the
/// ids back). Written here, not by ImageSharp: its palette encoder quantises colours and would pick its own indices.
/// </summary>
public static class LabelMapPng
{
    private static readonly byte[] Signature = [137, 80, 78, 71, 13, 10, 26, 10];
    private static readonly uint[] CrcTable = MakeCrcTable();

    public static void Write(string path, ReadOnlySpan<byte> ids, int width, int height, IReadOnlyList<(byte R, byte G, byte B)> palette)
    {
        if (ids.Length != width * height)
            throw new ArgumentException($"expected {width}×{height} ids, got {ids.Length}", nameof(ids));
        if (palette.Count is 0 or > 256)
            throw new ArgumentException($"a PNG palette holds 1…256 colours, not {palette.Count}", nameof(palette));
        foreach (var id in ids)
            if (id >= palette.Count)
                throw new ArgumentException($"class id {id} has no palette colour ({palette.Count} colours)", nameof(ids));

        using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None);
        file.Write(Signature);
        var header = new byte[13];
        BinaryPrimitives.WriteUInt32BigEndian(header, (uint)width);
        BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(4), (uint)height);
        header[8] = 8;   // bit depth
        header[9] = 3;   // colour type: palette
        Chunk(file, "IHDR", header);
        Chunk(file, "PLTE", palette.SelectMany(c => new[] { c.R, c.G, c.B }).ToArray());
        using (var compressed = new MemoryStream())
        {
            using (var zlib = new ZLibStream(compressed, CompressionLevel.Optimal, leaveOpen: true))
            {
                for (int y = 0; y < height; y++)
                {
                    zlib.WriteByte(0);   // filter: none
                    zlib.Write(ids.Slice(y * width, width));
                }
            }
            Chunk(file, "IDAT", compressed.ToArray());
        }
        Chunk(file, "IEND", []);
    }

    private static void Chunk(Stream stream, string type, byte[] data)
    {
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(word, (uint)data.Length);
        stream.Write(word);
        var typeAndData = Encoding.ASCII.GetBytes(type).Concat(data).ToArray();
        stream.Write(typeAndData);
        BinaryPrimitives.WriteUInt32BigEndian(word, Crc32(typeAndData));
        stream.Write(word);
    }

    // PNG's CRC-32 (reflected polynomial 0xEDB88320) over chunk type and data.
    private static uint Crc32(ReadOnlySpan<byte> data)
    {
        uint crc = 0xFFFFFFFFu;
        foreach (var b in data)
            crc = CrcTable[(crc ^ b) & 0xFF] ^ (crc >> 8);
        return crc ^ 0xFFFFFFFFu;
    }

    private static uint[] MakeCrcTable()
    {
        var table = new uint[256];
        for (uint n = 0; n < 256; n++)
        {
            uint c = n;
            for (int k = 0; k < 8; k++)
                c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            table[n] = c;
        }
        return table;
    }
}
