using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.PixelFormats;

namespace ClipSurgeryWeb.Engine.Tests.Evaluation;

/// <summary>
/// Writes label PNGs for the tests: palette PNGs by hand (IHDR, PLTE, IDAT, IEND — ImageSharp 2 cannot write chosen
/// palette indices), so the reader is checked against bytes it did not produce; greyscale ones with ImageSharp.
/// </summary>
internal static class LabelPngFiles
{
    /// <summary>VOC's colour map (bit-interleaved), the palette of SegmentationClass PNGs.</summary>
    public static byte[] VocPalette()
    {
        var palette = new byte[256 * 3];
        for (var i = 0; i < 256; i++)
        {
            int r = 0, g = 0, b = 0, c = i;
            for (var j = 0; j < 8; j++)
            {
                r |= ((c >> 0) & 1) << (7 - j);
                g |= ((c >> 1) & 1) << (7 - j);
                b |= ((c >> 2) & 1) << (7 - j);
                c >>= 3;
            }
            palette[3 * i] = (byte)r;
            palette[3 * i + 1] = (byte)g;
            palette[3 * i + 2] = (byte)b;
        }
        return palette;
    }

    /// <summary>An 8-bit palette PNG whose pixel indices are <paramref name="indices"/> (row-major).</summary>
    public static void WritePalette(string path, int width, int height, byte[] indices, byte[] palette)
    {
        using var file = File.Create(path);
        file.Write([137, 80, 78, 71, 13, 10, 26, 10]);
        var header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, width);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), height);
        header[8] = 8;   // bit depth
        header[9] = 3;   // colour type: palette
        Chunk(file, "IHDR", header);
        Chunk(file, "PLTE", palette);
        using var raw = new MemoryStream();
        using (var zlib = new ZLibStream(raw, CompressionLevel.Optimal, leaveOpen: true))
        {
            for (var y = 0; y < height; y++)
            {
                zlib.WriteByte(0);   // filter: none
                zlib.Write(indices, y * width, width);
            }
        }
        Chunk(file, "IDAT", raw.ToArray());
        Chunk(file, "IEND", []);
    }

    /// <summary>An 8-bit greyscale PNG holding <paramref name="values"/> (row-major).</summary>
    public static void WriteGrey(string path, int width, int height, byte[] values)
    {
        using var image = new Image<L8>(width, height);
        for (var y = 0; y < height; y++)
            for (var x = 0; x < width; x++)
                image[x, y] = new L8(values[y * width + x]);
        image.SaveAsPng(path, new PngEncoder { ColorType = PngColorType.Grayscale, BitDepth = PngBitDepth.Bit8 });
    }

    private static void Chunk(Stream stream, string type, byte[] data)
    {
        Span<byte> number = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(number, data.Length);
        stream.Write(number);
        var typed = Encoding.ASCII.GetBytes(type).Concat(data).ToArray();
        stream.Write(typed);
        BinaryPrimitives.WriteUInt32BigEndian(number, Crc(typed));
        stream.Write(number);
    }

    private static uint Crc(byte[] data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++)
                crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1)));
        }
        return ~crc;
    }
}
