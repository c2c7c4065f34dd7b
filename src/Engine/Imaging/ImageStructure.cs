using System.Buffers.Binary;

namespace ClipSurgeryWeb.Engine.Imaging;

/// <summary>
/// Walks an image file's container (JPEG markers, PNG chunks, RIFF chunks, BMP header, GIF blocks) to the end without
/// decoding a pixel, and refuses a file that stops early or holds an animation. ImageSharp's decoders are lenient: a
/// JPEG cut after 20 KB decodes to a mostly grey picture and a PNG without its last chunks decodes too, where PIL (the
/// reference) raises "image file is truncated". Maps of such a picture would be maps of grey, so the file is refused.
/// </summary>
public static class ImageStructure
{
    /// <summary>Throws <see cref="EngineInputException"/> (subject <paramref name="subject"/>) when the file is incomplete or animated.</summary>
    public static void Check(Stream stream, ImageFileType type, string subject)
    {
        var reader = new Reader(stream, subject, type);
        switch (type)
        {
            case ImageFileType.Jpeg: Jpeg(reader); break;
            case ImageFileType.Png: Png(reader); break;
            case ImageFileType.WebP: WebP(reader, stream.Length); break;
            case ImageFileType.Bmp: Bmp(reader, stream.Length); break;
            case ImageFileType.Gif: Gif(reader); break;
            default: throw new ArgumentOutOfRangeException(nameof(type), type, null);
        }
    }

    /// <summary>SOI, then marker segments; after each SOS the entropy-coded data runs to the next marker; EOI ends it.</summary>
    private static void Jpeg(Reader r)
    {
        r.Skip(2); // FF D8 (checked by the sniffer)
        bool sawScan = false;
        int marker = NextMarker(r);
        while (true)
        {
            if (marker == 0xD9)
            {
                if (!sawScan)
                    throw r.Damaged("the JPEG ends without any image data");
                return;
            }
            if (marker is >= 0xD0 and <= 0xD7 or 0x01)
            {
                marker = NextMarker(r);
                continue;
            }
            int length = r.U16BigEndian();
            if (length < 2)
                throw r.Damaged($"a JPEG segment has an impossible length {length}");
            r.Skip(length - 2);
            if (marker != 0xDA)
            {
                marker = NextMarker(r);
                continue;
            }
            sawScan = true;
            // Entropy-coded data: FF 00 is a stuffed byte, FF D0–D7 a restart marker, FF FF fill; any other FF xx is the next marker.
            while (true)
            {
                if (r.Byte() != 0xFF)
                    continue;
                int next = r.Byte();
                while (next == 0xFF)
                    next = r.Byte();
                if (next == 0x00 || next is >= 0xD0 and <= 0xD7)
                    continue;
                marker = next;
                break;
            }
        }
    }

    /// <summary>The next marker code: skips stray bytes before the FF (as libjpeg does, with a warning) and fill FFs.</summary>
    private static int NextMarker(Reader r)
    {
        while (r.Byte() != 0xFF) { }
        int marker = r.Byte();
        while (marker == 0xFF)
            marker = r.Byte();
        return marker;
    }

    /// <summary>Signature, then length–type–data–CRC chunks up to IEND; an acTL chunk of more than one frame is an APNG.</summary>
    private static void Png(Reader r)
    {
        r.Skip(8);
        bool sawData = false;
        while (true)
        {
            uint length = r.U32BigEndian();
            uint chunkType = r.U32BigEndian();
            if (length > int.MaxValue)
                throw r.Damaged($"a PNG chunk declares {length:N0} bytes");
            switch (chunkType)
            {
                case 0x49454E44: // IEND
                    if (!sawData)
                        throw r.Damaged("the PNG has no image data (no IDAT chunk)");
                    return;
                case 0x49444154: // IDAT
                    sawData = true;
                    r.Skip(length);
                    break;
                case 0x6163544C when length >= 4: // acTL: animation control, num_frames first
                    uint frames = r.U32BigEndian();
                    if (frames > 1)
                        throw r.Animated($"an animated PNG ({frames} frames)");
                    r.Skip(length - 4);
                    break;
                default:
                    r.Skip(length);
                    break;
            }
            r.Skip(4); // CRC
        }
    }

    /// <summary>"RIFF" size "WEBP", then chunks; the RIFF size must fit the file and the VP8X animation flag must be clear.</summary>
    private static void WebP(Reader r, long fileLength)
    {
        r.Skip(4);
        long riffEnd = 8L + r.U32LittleEndian();
        if (riffEnd > fileLength)
            throw r.Truncated();
        r.Skip(4); // WEBP
        bool sawImage = false;
        while (r.Position < riffEnd)
        {
            uint fourcc = r.U32BigEndian();
            uint size = r.U32LittleEndian();
            long padded = size + (size & 1);
            if (r.Position + size > riffEnd)
                throw r.Truncated();
            switch (fourcc)
            {
                case 0x56503858 when size >= 1: // VP8X: flags first
                    int flags = r.Byte();
                    if ((flags & 0x02) != 0)
                        throw r.Animated("an animated WebP");
                    r.Skip(padded - 1);
                    break;
                case 0x414E4D46: // ANMF
                    throw r.Animated("an animated WebP");
                case 0x56503820 or 0x5650384C: // "VP8 " or "VP8L"
                    sawImage = true;
                    r.Skip(Math.Min(padded, riffEnd - r.Position));
                    break;
                default:
                    r.Skip(Math.Min(padded, riffEnd - r.Position));
                    break;
            }
        }
        if (!sawImage)
            throw r.Damaged("the WebP has no image data (no VP8 or VP8L chunk)");
    }

    /// <summary>File header and DIB header; an uncompressed bitmap must hold every row its header declares.</summary>
    private static void Bmp(Reader r, long fileLength)
    {
        r.Skip(10);
        long pixelOffset = r.U32LittleEndian();
        uint dibSize = r.U32LittleEndian();
        long width, height;
        int bitCount;
        uint compression = 0, imageSize = 0;
        if (dibSize == 12)
        {
            width = r.U16LittleEndian();
            height = r.U16LittleEndian();
            r.Skip(2);
            bitCount = r.U16LittleEndian();
        }
        else if (dibSize >= 40)
        {
            width = (int)r.U32LittleEndian();
            height = Math.Abs((long)(int)r.U32LittleEndian());
            r.Skip(2);
            bitCount = r.U16LittleEndian();
            compression = r.U32LittleEndian();
            imageSize = r.U32LittleEndian();
        }
        else
        {
            throw r.Damaged($"a BMP header of {dibSize} bytes is not one of the known kinds");
        }
        long needed = compression switch
        {
            0 or 3 or 6 => pixelOffset + ((bitCount * width + 31) / 32 * 4) * height, // BI_RGB, BI_BITFIELDS, BI_ALPHABITFIELDS
            _ => pixelOffset + imageSize, // RLE and embedded JPEG/PNG carry their size
        };
        if (needed > fileLength)
            throw r.Truncated();
    }

    /// <summary>Header, screen descriptor and colour table, then image and extension blocks up to the trailer (3B).</summary>
    private static void Gif(Reader r)
    {
        r.Skip(10);
        int packed = r.Byte();
        r.Skip(2);
        if ((packed & 0x80) != 0)
            r.Skip(3 << ((packed & 7) + 1));
        int frames = 0;
        while (true)
        {
            // A GIF that stops cleanly after a whole frame but lacks its trailer is read by every decoder; accept it.
            if (frames > 0 && r.AtEnd)
                return;
            switch (r.Byte())
            {
                case 0x3B:
                    if (frames == 0)
                        throw r.Damaged("the GIF has no image");
                    return;
                case 0x21:
                    r.Skip(1);
                    SkipSubBlocks(r);
                    break;
                case 0x2C:
                    if (++frames > 1)
                        throw r.Animated("an animated GIF");
                    r.Skip(8);
                    int local = r.Byte();
                    if ((local & 0x80) != 0)
                        r.Skip(3 << ((local & 7) + 1));
                    r.Skip(1); // LZW minimum code size
                    SkipSubBlocks(r);
                    break;
                default:
                    throw r.Damaged("the GIF has a block of unknown kind");
            }
        }
    }

    private static void SkipSubBlocks(Reader r)
    {
        int size;
        while ((size = r.Byte()) != 0)
            r.Skip(size);
    }

    /// <summary>Buffered forward reading that turns the end of the file into "truncated".</summary>
    private sealed class Reader(Stream stream, string subject, ImageFileType type)
    {
        private readonly BufferedStream input = new(stream, 1 << 16);
        private readonly byte[] scratch = new byte[4];

        public long Position { get; private set; }

        public bool AtEnd => Position >= stream.Length;

        public int Byte()
        {
            int b = input.ReadByte();
            if (b < 0)
                throw Truncated();
            Position++;
            return b;
        }

        public void Skip(long count)
        {
            if (count <= 0)
                return;
            if (Position + count > stream.Length)
                throw Truncated();
            input.Seek(count, SeekOrigin.Current);
            Position += count;
        }

        public ushort U16BigEndian() => BinaryPrimitives.ReadUInt16BigEndian(Read(2));

        public ushort U16LittleEndian() => BinaryPrimitives.ReadUInt16LittleEndian(Read(2));

        public uint U32BigEndian() => BinaryPrimitives.ReadUInt32BigEndian(Read(4));

        public uint U32LittleEndian() => BinaryPrimitives.ReadUInt32LittleEndian(Read(4));

        private ReadOnlySpan<byte> Read(int count)
        {
            var span = scratch.AsSpan(0, count);
            if (input.ReadAtLeast(span, count, throwOnEndOfStream: false) < count)
                throw Truncated();
            Position += count;
            return span;
        }

        public EngineInputException Truncated() =>
            new(subject, $"the {type.DisplayName()} file is truncated (it ends before its image data does; was the upload or copy cut short?)");

        public EngineInputException Damaged(string what) => new(subject, $"damaged image: {what}");

        public EngineInputException Animated(string what) =>
            new(subject, $"{what}: only still images can be explained (save one frame as PNG or JPEG)");
    }
}
