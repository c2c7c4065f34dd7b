using System.Buffers.Binary;
using System.Text;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace ClipSurgeryWeb.Engine.Evaluation;

/// <summary>
/// Reads a label PNG as class ids, the way mmseg's <c>LoadAnnotations</c> (PIL, 'unchanged') does: for a palette
/// PNG (VOC's <c>SegmentationClass</c>) the palette <em>indices</em> are the ids, for a greyscale PNG (Context,
/// COCO-Stuff, Cityscapes, ADE20K) the grey values are.
/// ImageSharp 2.x decodes palette PNGs to colours only and does not expose the indices, and mapping colours back
/// is ambiguous when a palette repeats a colour; so the PLTE chunk is rewritten in memory so entry i is the colour
/// (i, 0, 0) before ImageSharp decodes it, and the red channel is then the index — ImageSharp still does all the
/// decoding (filters, interlacing, 1/2/4/8-bit packing).
/// </summary>
public static class LabelPng
{
    private static readonly byte[] Signature = [137, 80, 78, 71, 13, 10, 26, 10];

    /// <summary>Reads <paramref name="path"/>; colour (RGB) or 16-bit PNGs are refused, as their values are not class ids.</summary>
    public static LabelMap Read(string path)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new EngineInputException(path, $"the label map cannot be read ({e.Message})", e);
        }
        if (bytes.Length < 33 || !bytes.AsSpan(0, 8).SequenceEqual(Signature) || Encoding.ASCII.GetString(bytes, 12, 4) != "IHDR")
            throw new EngineInputException(path, "the label map is not a PNG file");
        var bitDepth = bytes[24];
        var colourType = bytes[25];
        try
        {
            return colourType switch
            {
                3 => ReadIndices(path, bytes),
                0 when bitDepth <= 8 => ReadGrey(bytes, bitDepth),
                _ => throw new EngineInputException(path,
                    $"the label map is a {Describe(colourType, bitDepth)} PNG; label maps must be palette or 8-bit greyscale PNGs whose values are class ids"),
            };
        }
        catch (Exception e) when (e is ImageFormatException or InvalidImageContentException)
        {
            throw new EngineInputException(path, $"the label PNG is damaged ({e.Message})", e);
        }
    }

    private static LabelMap ReadIndices(string path, byte[] bytes)
    {
        var indexed = WithIndexPalette(path, bytes);
        using var image = Image.Load<Rgba32>(indexed);
        var values = new byte[image.Width * image.Height];
        image.ProcessPixelRows(rows =>
        {
            for (var y = 0; y < rows.Height; y++)
            {
                var row = rows.GetRowSpan(y);
                for (var x = 0; x < row.Length; x++)
                    values[y * row.Length + x] = row[x].R;
            }
        });
        return new LabelMap(image.Width, image.Height, values);
    }

    private static LabelMap ReadGrey(byte[] bytes, int bitDepth)
    {
        using var image = Image.Load<L8>(bytes);
        // ImageSharp scales 1/2/4-bit grey up to 0..255 (×255, ×85, ×17); undo it to get the stored values back.
        var scale = 255 / ((1 << bitDepth) - 1);
        var values = new byte[image.Width * image.Height];
        image.ProcessPixelRows(rows =>
        {
            for (var y = 0; y < rows.Height; y++)
            {
                var row = rows.GetRowSpan(y);
                for (var x = 0; x < row.Length; x++)
                    values[y * row.Length + x] = (byte)(row[x].PackedValue / scale);
            }
        });
        return new LabelMap(image.Width, image.Height, values);
    }

    // A copy of the PNG whose PLTE entry i is (i, 0, 0), with the chunk's CRC recomputed.
    private static byte[] WithIndexPalette(string path, byte[] bytes)
    {
        var copy = (byte[])bytes.Clone();
        var offset = 8;
        while (offset + 12 <= copy.Length)
        {
            var length = (int)BinaryPrimitives.ReadUInt32BigEndian(copy.AsSpan(offset));
            if (length < 0 || offset + 12 + length > copy.Length)
                break;
            if (Encoding.ASCII.GetString(copy, offset + 4, 4) == "PLTE")
            {
                var data = copy.AsSpan(offset + 8, length);
                for (var i = 0; i < length / 3; i++)
                {
                    data[3 * i] = (byte)i;
                    data[3 * i + 1] = 0;
                    data[3 * i + 2] = 0;
                }
                BinaryPrimitives.WriteUInt32BigEndian(copy.AsSpan(offset + 8 + length), Crc32(copy.AsSpan(offset + 4, 4 + length)));
                return copy;
            }
            offset += 12 + length;
        }
        throw new EngineInputException(path, "the label map is a palette PNG without a palette (PLTE chunk)");
    }

    // PNG's CRC-32 (ISO 3309, reflected polynomial 0xEDB88320) over chunk type and data.
    private static uint Crc32(ReadOnlySpan<byte> data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++)
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
        }
        return crc ^ 0xFFFFFFFFu;
    }

    private static string Describe(byte colourType, byte bitDepth) => colourType switch
    {
        0 => $"{bitDepth}-bit greyscale",
        2 => "colour (RGB)",
        4 => "greyscale with alpha",
        6 => "colour with alpha (RGBA)",
        _ => $"colour type {colourType}",
    };
}
