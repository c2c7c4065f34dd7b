using ClipSurgeryWeb.Engine.Imaging;
using ClipSurgeryWeb.Engine.Storage;
using ClipSurgeryWeb.Data;
using ClipSurgeryWeb.Hosting.Options;
using Microsoft.Extensions.Options;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace ClipSurgeryWeb.Hosting.Storage;

/// <summary>
/// The small, upright JPEGs pages show instead of the uploaded originals (a 15 MB photo for a 96 px thumbnail, or a
/// 20000×20000 image in every teammate's browser): at most <see cref="ClipSurgeryOptions.ThumbnailSize"/> pixels on the
/// long side, made once (at upload, or on first request for older uploads) and kept on disk beside the uploads.
/// </summary>
public sealed class Thumbnails(FileStore files, IOptions<ClipSurgeryOptions> options)
{
    public const string ContentType = "image/jpeg";

    /// <summary>
    /// The turns for full decodes (uploads' checks and thumbnails made on request): at most
    /// <see cref="ClipSurgeryOptions.MaxConcurrentDecodes"/> at once, app-wide.
    /// </summary>
    public SemaphoreSlim Decodes { get; } = new(Math.Max(1, options.Value.MaxConcurrentDecodes));

    public int Size => Math.Max(16, options.Value.ThumbnailSize);

    /// <summary>The thumbnail's path, made from the stored original when it is not there yet.</summary>
    /// <exception cref="EngineInputException">The original cannot be read (for instance over the pixel limit).</exception>
    public string GetOrCreate(UploadedImage image)
    {
        var path = files.ThumbnailPath(image.Id, Size);
        if (File.Exists(path))
            return path;
        Image<Rgb24> small;
        Decodes.Wait();
        try
        {
            small = Shrink(ImageLoader.Load(files.UploadPath(image.Id, image.Extension), options.Value.ImageLimits));
        }
        finally
        {
            Decodes.Release();
        }
        return Write(small, image.Id);
    }

    /// <summary>Shrinks an upright, decoded image in place to the thumbnail's size (a full-size one can then be let go).</summary>
    public Image<Rgb24> Shrink(Image<Rgb24> upright)
    {
        if (upright.Width > Size || upright.Height > Size)
            upright.Mutate(x => x.Resize(new ResizeOptions { Mode = ResizeMode.Max, Size = new Size(Size, Size) }));
        return upright;
    }

    /// <summary>Writes the thumbnail of an upright, decoded image, which it takes over (shrunk in place, then disposed).</summary>
    public string Write(Image<Rgb24> upright, Guid imageId)
    {
        using (upright)
        {
            var path = files.ThumbnailPath(imageId, Size);
            Shrink(upright);
            AtomicFile.Write(path, temporary => upright.SaveAsJpeg(temporary, new JpegEncoder { Quality = 85 }));
            return path;
        }
    }

    /// <summary>Removes every thumbnail of an image (a refused or deleted upload).</summary>
    public void Delete(Guid imageId)
    {
        foreach (var file in Directory.EnumerateFiles(files.ThumbnailsDir, $"{imageId:N}_*.jpg"))
            File.Delete(file);
    }
}
