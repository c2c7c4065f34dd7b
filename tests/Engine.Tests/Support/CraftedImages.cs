using System.Buffers.Binary;
using System.Text;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Gif;
using SixLabors.ImageSharp.Formats.Webp;
using SixLabors.ImageSharp.Metadata.Profiles.Exif;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace ClipSurgeryWeb.Engine.Tests.Support;

/// <summary>
/// Hostile and odd image files, made in the test from documented container layouts (PNG chunks with CRC-32, RIFF
/// chunks, GIF blocks) so that every refusal is tested on a file whose defect is known exactly. Linked into the web
/// tests too, which send the same files through the upload endpoint.
/// </summary>
public static class CraftedImages
{
    /// <summary>A 16×12 picture with a red top-left quadrant, the rest blue: where the red lands shows a rotation.</summary>
    public static Image<Rgb24> Marked(int width = 16, int height = 12)
    {
        var image = new Image<Rgb24>(width, height, new Rgb24(0, 0, 255));
        for (int y = 0; y < height / 2; y++)
            for (int x = 0; x < width / 2; x++)
                image[x, y] = new Rgb24(255, 0, 0);
        return image;
    }

    public static byte[] Png(Image<Rgb24>? image = null) => Encode(image, (i, s) => i.SaveAsPng(s));

    public static byte[] Jpeg(Image<Rgb24>? image = null) => Encode(image, (i, s) => i.SaveAsJpeg(s));

    public static byte[] Bmp(Image<Rgb24>? image = null) => Encode(image, (i, s) => i.SaveAsBmp(s));

    public static byte[] Gif(Image<Rgb24>? image = null) => Encode(image, (i, s) => i.SaveAsGif(s));

    public static byte[] WebP(Image<Rgb24>? image = null) =>
        Encode(image, (i, s) => i.SaveAsWebp(s, new WebpEncoder { FileFormat = WebpFileFormatType.Lossless }));

    /// <summary>A JPEG whose EXIF Orientation tag is <paramref name="orientation"/> (6 = shown turned 90° clockwise).</summary>
    public static byte[] JpegWithOrientation(ushort orientation, Image<Rgb24>? image = null)
    {
        using var picture = image?.Clone() ?? Marked();
        picture.Metadata.ExifProfile = new ExifProfile();
        picture.Metadata.ExifProfile.SetValue(ExifTag.Orientation, orientation);
        return Jpeg(picture);
    }

    /// <summary>The first <paramref name="bytes"/> bytes of the reference's demo.jpg: cut inside its scan data.</summary>
    public static byte[] TruncatedJpeg(int bytes = 20_000) => File.ReadAllBytes(Shared.Image("demo.jpg"))[..bytes];

    /// <summary>A PNG whose IHDR declares <paramref name="width"/>×<paramref name="height"/> over a few bytes of data.</summary>
    public static byte[] PngBomb(int width, int height)
    {
        var ihdr = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, width);
        BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), height);
        ihdr[8] = 8; // bit depth
        ihdr[9] = 2; // colour type RGB
        var png = new MemoryStream();
        png.Write([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]);
        WritePngChunk(png, "IHDR", ihdr);
        WritePngChunk(png, "IDAT", [0x78, 0x9C, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01]);
        WritePngChunk(png, "IEND", []);
        return png.ToArray();
    }

    /// <summary>A whole PNG with an acTL chunk (an APNG's animation control) of <paramref name="frames"/> frames.</summary>
    public static byte[] AnimatedPng(uint frames = 2)
    {
        var png = Png(Marked());
        var actl = new byte[8];
        BinaryPrimitives.WriteUInt32BigEndian(actl, frames);
        var result = new MemoryStream();
        result.Write(png, 0, 8 + 25); // signature + IHDR (4 length + 4 type + 13 data + 4 CRC)
        WritePngChunk(result, "acTL", actl);
        result.Write(png, 33, png.Length - 33);
        return result.ToArray();
    }

    /// <summary>A GIF of two frames, as ImageSharp writes it.</summary>
    public static byte[] AnimatedGif()
    {
        using var image = Marked();
        using var second = Marked();
        second.Mutate(x => x.Invert());
        image.Frames.AddFrame(second.Frames.RootFrame);
        var stream = new MemoryStream();
        image.SaveAsGif(stream, new GifEncoder());
        return stream.ToArray();
    }

    /// <summary>An animated WebP: VP8X with the animation flag, ANIM, then two ANMF frames each holding a VP8L image.</summary>
    public static byte[] AnimatedWebP()
    {
        using var frame = new Image<Rgb24>(8, 8);
        var still = WebP(frame);
        var vp8l = still[12..]; // the still file's one chunk, whole
        var vp8x = new List<byte> { 0x02, 0, 0, 0 };
        vp8x.AddRange(U24(7));
        vp8x.AddRange(U24(7));
        var anmf = new List<byte>();
        foreach (var v in new[] { 0, 0, 7, 7, 100 })
            anmf.AddRange(U24(v)); // x/2, y/2, width−1, height−1, duration
        anmf.Add(0);
        anmf.AddRange(vp8l);
        var body = new List<byte>(Encoding.ASCII.GetBytes("WEBP"));
        body.AddRange(RiffChunk("VP8X", [.. vp8x]));
        body.AddRange(RiffChunk("ANIM", new byte[6]));
        body.AddRange(RiffChunk("ANMF", [.. anmf]));
        body.AddRange(RiffChunk("ANMF", [.. anmf]));
        var riff = new List<byte>(Encoding.ASCII.GetBytes("RIFF"));
        riff.AddRange(BitConverter.GetBytes(body.Count));
        riff.AddRange(body);
        return [.. riff];
    }

    /// <summary>The file with its last <paramref name="bytes"/> bytes cut off.</summary>
    public static byte[] WithoutLast(byte[] file, int bytes) => file[..^bytes];

    private static byte[] Encode(Image<Rgb24>? image, Action<Image<Rgb24>, Stream> save)
    {
        using var owned = image is null ? Marked() : null;
        var stream = new MemoryStream();
        save(image ?? owned!, stream);
        return stream.ToArray();
    }

    private static void WritePngChunk(Stream png, string type, byte[] data)
    {
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(word, data.Length);
        png.Write(word);
        var typed = Encoding.ASCII.GetBytes(type).Concat(data).ToArray();
        png.Write(typed);
        BinaryPrimitives.WriteUInt32BigEndian(word, Crc32(typed));
        png.Write(word);
    }

    /// <summary>CRC-32 (ISO 3309, the one PNG uses), bit by bit: small files only.</summary>
    private static uint Crc32(byte[] data)
    {
        uint crc = 0xFFFFFFFF;
        foreach (var b in data)
        {
            crc ^= b;
            for (int k = 0; k < 8; k++)
                crc = (crc & 1) != 0 ? 0xEDB88320 ^ (crc >> 1) : crc >> 1;
        }
        return ~crc;
    }

    private static byte[] RiffChunk(string fourcc, byte[] data)
    {
        var chunk = new List<byte>(Encoding.ASCII.GetBytes(fourcc));
        chunk.AddRange(BitConverter.GetBytes(data.Length));
        chunk.AddRange(data);
        if (data.Length % 2 == 1)
            chunk.Add(0);
        return [.. chunk];
    }

    private static byte[] U24(int v) => [(byte)v, (byte)(v >> 8), (byte)(v >> 16)];
}
