using ClipSurgeryWeb.Jobs.Data;
using ClipSurgeryWeb.Jobs.Options;
using Microsoft.Extensions.Options;
using SixLabors.ImageSharp;

namespace ClipSurgeryWeb.Jobs.Storage;

/// <summary>
/// Takes image uploads: checks size and type, streams to a temporary file, checks it decodes as an image, and only then
/// moves it into place and adds its row. A refused upload leaves nothing behind.
/// </summary>
public sealed class ImageIntake(ClipSurgeryDb db, FileStore files, IOptions<ClipSurgeryOptions> options, TimeProvider time)
{
    public static readonly IReadOnlyDictionary<string, string> Accepted = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        [".png"] = "image/png",
        [".jpg"] = "image/jpeg",
        [".jpeg"] = "image/jpeg",
        [".webp"] = "image/webp",
        [".bmp"] = "image/bmp",
    };

    public long MaxBytes => options.Value.MaxUploadBytes;

    public async Task<UploadedImage> SaveAsync(Stream content, string fileName, long declaredSize, string ownerId, string ownerName, CancellationToken ct)
    {
        var name = Path.GetFileName(fileName);
        if (string.IsNullOrWhiteSpace(name))
            throw new UploadRejectedException("(no name)", "the file has no name");
        var extension = Path.GetExtension(name).ToLowerInvariant();
        if (!Accepted.TryGetValue(extension, out var contentType))
            throw new UploadRejectedException(name, $"'{extension}' is not an accepted image type (accepted: {string.Join(", ", Accepted.Keys)})");
        if (declaredSize > MaxBytes)
            throw new UploadRejectedException(name, $"{Megabytes(declaredSize)} is over the {Megabytes(MaxBytes)} limit");
        if (declaredSize == 0)
            throw new UploadRejectedException(name, "the file is empty");

        var id = Guid.NewGuid();
        var finalPath = files.UploadPath(id, extension);
        var tempPath = finalPath + ".part";
        try
        {
            long written;
            await using (var target = File.Create(tempPath))
            {
                written = await CopyLimitedAsync(content, target, name, ct);
            }
            if (written == 0)
                throw new UploadRejectedException(name, "the file is empty");

            var info = await Image.IdentifyAsync(tempPath);
            if (info is null)
                throw new UploadRejectedException(name, "the content is not a readable image");

            File.Move(tempPath, finalPath);
            var image = new UploadedImage
            {
                Id = id,
                OwnerId = ownerId,
                OwnerName = ownerName,
                FileName = name,
                Extension = extension,
                ContentType = contentType,
                SizeBytes = written,
                Width = info.Width,
                Height = info.Height,
                CreatedAt = time.GetUtcNow().UtcDateTime,
            };
            db.Images.Add(image);
            await db.SaveChangesAsync(ct);
            return image;
        }
        catch (Exception ex) when (ex is UnknownImageFormatException or InvalidImageContentException)
        {
            throw new UploadRejectedException(name, "the content is not a readable image");
        }
        finally
        {
            File.Delete(tempPath);
        }
    }

    private async Task<long> CopyLimitedAsync(Stream source, Stream target, string name, CancellationToken ct)
    {
        var buffer = new byte[81920];
        long total = 0;
        int read;
        while ((read = await source.ReadAsync(buffer, ct)) > 0)
        {
            total += read;
            if (total > MaxBytes)
                throw new UploadRejectedException(name, $"the file is over the {Megabytes(MaxBytes)} limit");
            await target.WriteAsync(buffer.AsMemory(0, read), ct);
        }
        return total;
    }

    /// <summary>A size as people read it: "195.3 KB", "20 MB".</summary>
    public static string Megabytes(long bytes) =>
        bytes < 1024 * 1024 ? $"{bytes / 1024.0:0.#} KB" : $"{bytes / 1024.0 / 1024.0:0.#} MB";
}
