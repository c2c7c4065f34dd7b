namespace ClipSurgeryWeb.Engine.Imaging;

/// <summary>Names, MIME types and file endings of <see cref="ImageFileType"/>: the one list every front end accepts.</summary>
public static class ImageFileTypes
{
    public static IReadOnlyList<ImageFileType> All { get; } = Enum.GetValues<ImageFileType>();

    /// <summary>File endings by type, lower case with the dot; the first is the one a stored copy gets.</summary>
    public static IReadOnlyList<string> Extensions(this ImageFileType type) => type switch
    {
        ImageFileType.Png => [".png"],
        ImageFileType.Jpeg => [".jpg", ".jpeg"],
        ImageFileType.WebP => [".webp"],
        ImageFileType.Bmp => [".bmp"],
        ImageFileType.Gif => [".gif"],
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, null),
    };

    public static string MimeType(this ImageFileType type) => type switch
    {
        ImageFileType.Png => "image/png",
        ImageFileType.Jpeg => "image/jpeg",
        ImageFileType.WebP => "image/webp",
        ImageFileType.Bmp => "image/bmp",
        ImageFileType.Gif => "image/gif",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, null),
    };

    public static string DisplayName(this ImageFileType type) => type switch
    {
        ImageFileType.Png => "PNG",
        ImageFileType.Jpeg => "JPEG",
        ImageFileType.WebP => "WebP",
        ImageFileType.Bmp => "BMP",
        ImageFileType.Gif => "GIF",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, null),
    };

    /// <summary>Every accepted file ending, for messages and file pickers: ".png, .jpg, .jpeg, .webp, .bmp, .gif".</summary>
    public static IReadOnlyList<string> AllExtensions { get; } = [.. All.SelectMany(Extensions)];

    /// <summary>The type a file ending names, or null when it is not one the engine reads.</summary>
    public static ImageFileType? FromExtension(string extension)
    {
        var e = extension.ToLowerInvariant();
        foreach (var type in All)
            if (type.Extensions().Contains(e))
                return type;
        return null;
    }

    private static ReadOnlySpan<byte> PngSignature => [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>The type from the file's first bytes (its signature), whatever its name says; null when none matches.</summary>
    public static ImageFileType? Sniff(ReadOnlySpan<byte> head)
    {
        if (head.StartsWith(PngSignature))
            return ImageFileType.Png;
        if (head.Length >= 3 && head[0] == 0xFF && head[1] == 0xD8 && head[2] == 0xFF)
            return ImageFileType.Jpeg;
        if (head.Length >= 12 && head.StartsWith("RIFF"u8) && head[8..12].SequenceEqual("WEBP"u8))
            return ImageFileType.WebP;
        if (head.StartsWith("BM"u8) && head.Length >= 14)
            return ImageFileType.Bmp;
        if (head.StartsWith("GIF87a"u8) || head.StartsWith("GIF89a"u8))
            return ImageFileType.Gif;
        return null;
    }

    /// <summary>The type of the file at <paramref name="path"/> from its signature; null when none matches.</summary>
    public static ImageFileType? Sniff(string path)
    {
        Span<byte> head = stackalloc byte[16];
        using var stream = File.OpenRead(path);
        int n = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        return Sniff(head[..n]);
    }
}
