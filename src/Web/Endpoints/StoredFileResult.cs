using ClipSurgeryWeb.Engine.Imaging;

namespace ClipSurgeryWeb.Web.Endpoints;

/// <summary>
/// A stored file served with the type its first bytes show by the engine's own signatures
/// (<see cref="ImageFileTypes.Sniff(ReadOnlySpan{byte})"/>: a GIF named .png is served as image/gif), never the type its
/// name or the upload claimed. With X-Content-Type-Options: nosniff on every response, a browser shows an image
/// as that image and nothing else.
/// </summary>
public static class StoredFileResult
{
    /// <param name="declared">What the file should be (from its name or the upload); used only for non-image content.</param>
    public static IResult For(string path, string declared, string? downloadName = null) =>
        Results.File(path, ContentType(path, declared), downloadName, enableRangeProcessing: true);

    /// <summary>
    /// The image type the magic bytes show; otherwise the declared type, unless it claims an image — then
    /// application/octet-stream, so a browser downloads it instead of rendering something that is not what it says.
    /// </summary>
    public static string ContentType(string path, string declared)
    {
        Span<byte> head = stackalloc byte[16];
        int read;
        using (var stream = File.OpenRead(path))
            read = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        return ImageFileTypes.Sniff(head[..read])?.MimeType() ?? (declared.StartsWith("image/", StringComparison.OrdinalIgnoreCase) ? "application/octet-stream" : declared);
    }
}
