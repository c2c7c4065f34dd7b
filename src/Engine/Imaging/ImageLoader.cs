using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Metadata.Profiles.Exif;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace ClipSurgeryWeb.Engine.Imaging;

/// <summary>
/// Reads a user's image as RGB, as the reference's <c>PIL.Image.open(...).convert("RGB")</c>, turned upright by its
/// EXIF orientation (as every browser shows it; the reference's images carry none). Refused with a reason, before any
/// pixel is decoded: a file of no accepted type (from its content, not its name), a truncated or animated file, and one
/// whose header declares more pixels than the limit (a "pixel bomb").
/// </summary>
public static class ImageLoader
{
    /// <summary>Checks the file without decoding its pixels; what <see cref="Load"/> would refuse, this refuses.</summary>
    public static ImageFacts Inspect(string path, ImageLimits? limits = null)
    {
        limits ??= ImageLimits.Default;
        if (!File.Exists(path))
            throw new EngineInputException(path, "no such file");
        try
        {
            using var stream = File.OpenRead(path);
            return Inspect(stream, path, limits);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new EngineInputException(path, $"cannot be read ({e.Message})", e);
        }
    }

    public static Image<Rgb24> Load(string path, ImageLimits? limits = null)
    {
        limits ??= ImageLimits.Default;
        if (!File.Exists(path))
            throw new EngineInputException(path, "no such file");
        try
        {
            using var stream = File.OpenRead(path);
            var facts = Inspect(stream, path, limits);
            stream.Position = 0;
            var image = Decode(stream, path);
            try
            {
                image.Mutate(x => x.AutoOrient());
                if (image.Width != facts.Width || image.Height != facts.Height)
                    throw new EngineInputException(path, $"damaged image: its header says {facts.Width}×{facts.Height} but it decodes to {image.Width}×{image.Height}");
                return image;
            }
            catch
            {
                image.Dispose();
                throw;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new EngineInputException(path, $"cannot be read ({e.Message})", e);
        }
    }

    private static ImageFacts Inspect(Stream stream, string path, ImageLimits limits)
    {
        Span<byte> head = stackalloc byte[16];
        int n = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        if (n == 0)
            throw new EngineInputException(path, "the file is empty");
        var type = ImageFileTypes.Sniff(head[..n])
            ?? throw new EngineInputException(path, $"not a readable image: its content is none of the accepted types ({string.Join(", ", ImageFileTypes.All.Select(t => t.DisplayName()))})");
        stream.Position = 0;
        ImageStructure.Check(stream, type, path);

        stream.Position = 0;
        IImageInfo? info;
        try
        {
            info = Image.Identify(stream);
        }
        catch (Exception e) when (IsDecoderFailure(e))
        {
            throw new EngineInputException(path, $"damaged {type.DisplayName()} image ({e.Message})", e);
        }
        if (info is null || info.Width <= 0 || info.Height <= 0)
            throw new EngineInputException(path, $"damaged {type.DisplayName()} image (its header gives no size)");

        ushort orientation = Orientation(info);
        bool turned = orientation is >= 5 and <= 8; // 5–8 swap width and height (transpose, 90°, transverse, 270°)
        var facts = new ImageFacts(type, turned ? info.Height : info.Width, turned ? info.Width : info.Height, orientation);
        if (facts.Pixels > limits.MaxPixels)
            throw new EngineInputException(path, $"{facts.Width}×{facts.Height} = {facts.Pixels:N0} pixels is more than the limit of {limits.MaxPixels:N0}");
        return facts;
    }

    private static Image<Rgb24> Decode(Stream stream, string path)
    {
        try
        {
            return Image.Load<Rgb24>(stream);
        }
        catch (Exception e) when (IsDecoderFailure(e))
        {
            throw new EngineInputException(path, $"damaged image data ({e.Message})", e);
        }
    }

    private static ushort Orientation(IImageInfo info)
    {
        var value = info.Metadata.ExifProfile?.GetValue(ExifTag.Orientation);
        return value is null || value.Value is < 1 or > 8 ? (ushort)1 : value.Value;
    }

    /// <summary>
    /// A decoder that meets hostile bytes may throw almost anything (its own format exceptions, but also index or
    /// argument errors from a bad length); each is a refusal of that file. Cancellation and memory exhaustion are not.
    /// </summary>
    private static bool IsDecoderFailure(Exception e) =>
        e is EndOfStreamException
        || e is not (OperationCanceledException or OutOfMemoryException or InsufficientExecutionStackException or IOException or UnauthorizedAccessException);
}
