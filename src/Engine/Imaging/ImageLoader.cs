using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace ClipSurgeryWeb.Engine.Imaging;

/// <summary>
/// Reads a user's image as RGB (as the reference's <c>PIL.Image.open(...).convert("RGB")</c>; no EXIF rotation),
/// refusing unreadable, truncated, non-image and oversized files with a reason.
/// </summary>
public static class ImageLoader
{
    public static Image<Rgb24> Load(string path, ImageLimits? limits = null)
    {
        limits ??= ImageLimits.Default;
        if (!File.Exists(path))
            throw new EngineInputException(path, "no such file");

        IImageInfo? info;
        try
        {
            info = Image.Identify(path);
        }
        catch (Exception e) when (e is UnknownImageFormatException or InvalidImageContentException or NotSupportedException)
        {
            throw new EngineInputException(path, "not a readable image (unknown or damaged format)", e);
        }
        catch (IOException e)
        {
            throw new EngineInputException(path, $"cannot be read ({e.Message})", e);
        }
        if (info is null)
            throw new EngineInputException(path, "not a readable image (unknown format)");

        long pixels = (long)info.Width * info.Height;
        if (info.Width <= 0 || info.Height <= 0)
            throw new EngineInputException(path, "the image has no pixels");
        if (pixels > limits.MaxPixels)
            throw new EngineInputException(path, $"{info.Width}×{info.Height} = {pixels:N0} pixels is more than the limit of {limits.MaxPixels:N0}");

        try
        {
            return Image.Load<Rgb24>(path);
        }
        catch (Exception e) when (e is InvalidImageContentException or UnknownImageFormatException or ImageFormatException or EndOfStreamException or IOException)
        {
            throw new EngineInputException(path, "damaged or truncated image data", e);
        }
    }
}
