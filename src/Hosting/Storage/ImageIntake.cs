using ClipSurgeryWeb.Hosting.Storage;
using ClipSurgeryWeb.Engine.Imaging;
using ClipSurgeryWeb.Data;
using ClipSurgeryWeb.Hosting.Options;
using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ClipSurgeryWeb.Hosting.Storage;

/// <summary>
/// Takes image uploads: checks the size, streams to a temporary file, and has the engine check it exactly as a job will
/// read it (<see cref="ImageLoader.Inspect"/>: type from the content, truncation, animation, the pixel limit from the
/// header; then a full <see cref="ImageLoader.Load"/>, so damaged data is refused at the door and not by a job later).
/// Only then is it moved into place and its row added, and after the row its thumbnail (made again on first request when
/// that write fails). A refused upload leaves nothing behind; a killed one leaves at most a "&lt;id&gt;.part", an original or
/// a thumbnail without a row, which the start-up sweep removes (<see cref="InterruptedWrites.SweepOrphans"/>).
/// <para>
/// The type is the content's, never the name's: a GIF named "cat.png" is stored as a GIF (uploads/&lt;id&gt;.gif,
/// image/gif) and keeps its name "cat.png" for the member; the accepted types are the engine's
/// (<see cref="ImageFileTypes"/>), whatever the file's name says.
/// </para>
/// <para>
/// Identical uploads are stored once: the SHA-256 of the bytes is computed while they stream in, and when the same
/// member already has an upload with that hash (and its original is there), that upload is returned, under the name it
/// was first stored with, and the new copy is dropped before it is decoded.
/// </para>
/// </summary>
public sealed class ImageIntake(ClipSurgeryDb db, FileStore files, Thumbnails thumbnails, IOptions<ClipSurgeryOptions> options,
    TimeProvider time, ILogger<ImageIntake> log)
{
    /// <summary>Longest name kept for a member's file, in UTF-16 characters (the column holds 260).</summary>
    public const int MaxNameLength = 200;

    public long MaxBytes => options.Value.MaxUploadBytes;

    /// <summary>Most files taken from one upload; see <see cref="TooManyFiles"/>.</summary>
    public int MaxFiles => Math.Max(1, options.Value.MaxUploadFiles);

    /// <summary>The accepted types for people: "PNG, JPEG, WebP, BMP or GIF".</summary>
    public static string AcceptedTypes
    {
        get
        {
            var names = ImageFileTypes.All.Select(t => t.DisplayName()).ToList();
            return names.Count == 1 ? names[0] : $"{string.Join(", ", names[..^1])} or {names[^1]}";
        }
    }

    /// <summary>The accepted types for a file picker's accept attribute: MIME types and file endings.</summary>
    public static string AcceptAttribute =>
        string.Join(",", ImageFileTypes.All.Select(t => t.MimeType()).Distinct().Concat(ImageFileTypes.AllExtensions));

    /// <summary>The reason given for a file whose saving failed on the server's side (the details are in the log).</summary>
    public const string FailedReason = "could not be saved because of an error on the server; nothing of it was kept, try again";

    /// <summary>The reason a file beyond the per-upload limit is not taken.</summary>
    public static string TooManyFiles(int maxFiles, int count) =>
        $"not taken: {count} files were sent at once and at most {maxFiles} are taken per upload";

    /// <summary>
    /// The name a member gave a file, without any folder part a browser or client may send and without control
    /// characters; a name over <see cref="MaxNameLength"/> is cut, keeping its extension, with "~" and a short hash of
    /// the whole name so two long names that begin alike stay apart ("aaaa…aaa~1a2b3c4d.png").
    /// </summary>
    public static string MemberFileName(string fileName)
    {
        var name = string.Concat(fileName[(fileName.LastIndexOfAny(['/', '\\']) + 1)..].Trim().Where(c => !char.IsControl(c)));
        if (name.Length <= MaxNameLength)
            return name;
        var extension = Path.GetExtension(name);
        if (extension.Length > 16)
            extension = "";
        var hash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(name)))[..8];
        var keep = MaxNameLength - extension.Length - hash.Length - 1;
        if (char.IsHighSurrogate(name[keep - 1]))
            keep--; // never half a character
        return $"{name[..keep]}~{hash}{extension}";
    }

    public async Task<UploadedImage> SaveAsync(Stream content, string fileName, long declaredSize, string ownerId, string ownerName, CancellationToken ct)
    {
        var name = MemberFileName(fileName);
        if (string.IsNullOrWhiteSpace(name))
            throw new UploadRejectedException("(no name)", "the file has no name");
        if (declaredSize > MaxBytes)
            throw new UploadRejectedException(name, $"{Megabytes(declaredSize)} is over the {Megabytes(MaxBytes)} limit");
        if (declaredSize == 0)
            throw new UploadRejectedException(name, "the file is empty");

        var id = Guid.NewGuid();
        var partPath = files.UploadPartPath(id);
        string? finalPath = null;
        var stored = false;
        try
        {
            long written;
            string hash;
            using (var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256))
            {
                await using (var target = File.Create(partPath))
                {
                    written = await CopyLimitedAsync(content, target, sha, name, ct);
                }
                hash = Convert.ToHexStringLower(sha.GetHashAndReset());
            }
            if (written == 0)
                throw new UploadRejectedException(name, "the file is empty");
            if (await StoredCopyAsync(ownerId, hash, ct) is { } existing)
                return existing; // the same bytes again: the stored row, under its first name (the part file goes below)

            var (facts, decoded) = await DecodeAsync(partPath, name, ct);
            using var upright = decoded;
            finalPath = files.UploadPath(id, facts.Type.Extensions()[0]);
            File.Move(partPath, finalPath);
            var image = new UploadedImage
            {
                Id = id,
                OwnerId = ownerId,
                OwnerName = ownerName,
                FileName = name,
                Extension = facts.Type.Extensions()[0],
                ContentType = facts.Type.MimeType(),
                SizeBytes = written,
                ContentHash = hash,
                Width = facts.Width,
                Height = facts.Height,
                CreatedAt = time.GetUtcNow().UtcDateTime,
            };
            var row = db.Images.Add(image);
            try
            {
                await db.SaveChangesAsync(ct);
            }
            catch
            {
                row.State = Microsoft.EntityFrameworkCore.EntityState.Detached; // not saved again with the next file
                throw;
            }
            stored = true;
            await WriteThumbnailAsync(upright, image);
            return image;
        }
        finally
        {
            File.Delete(partPath);
            if (!stored)
            {
                if (finalPath is not null)
                    File.Delete(finalPath);
                thumbnails.Delete(id);
            }
        }
    }

    /// <summary>
    /// The engine's checks, then a full decode, one of at most <see cref="ClipSurgeryOptions.MaxConcurrentDecodes"/> at a
    /// time (a 64-megapixel image takes some 200–600 MB while decoded). Whatever the decoder throws on these bytes is a
    /// refusal naming the member's file; the reason never names the temporary path.
    /// </summary>
    private async Task<(ImageFacts Facts, SixLabors.ImageSharp.Image<SixLabors.ImageSharp.PixelFormats.Rgb24> Decoded)> DecodeAsync(
        string path, string name, CancellationToken ct)
    {
        await thumbnails.Decodes.WaitAsync(ct);
        try
        {
            return await Task.Run(() => Check(path, name), ct);
        }
        finally
        {
            thumbnails.Decodes.Release();
        }
    }

    private (ImageFacts, SixLabors.ImageSharp.Image<SixLabors.ImageSharp.PixelFormats.Rgb24>) Check(string path, string name)
    {
        try
        {
            var facts = ImageLoader.Inspect(path, options.Value.ImageLimits);
            // Shrunk to the thumbnail's size before the turn ends: only the small copy waits for the row.
            return (facts, thumbnails.Shrink(ImageLoader.Load(path, options.Value.ImageLimits)));
        }
        catch (EngineInputException e)
        {
            throw new UploadRejectedException(name, ServerPaths.Hide(e.Reason, new Dictionary<string, string> { [path] = name }));
        }
        catch (Exception e) when (e is not (OperationCanceledException or OutOfMemoryException or IOException or UnauthorizedAccessException))
        {
            log.LogWarning(e, "Upload {FileName} could not be decoded", name);
            throw new UploadRejectedException(name, "the content is not a readable image");
        }
    }

    /// <summary>
    /// The thumbnail, after the row: the image is saved whatever happens here, and a thumbnail that could not be written
    /// (a full disk) is made on its first request instead (<see cref="Thumbnails.GetOrCreate"/>).
    /// </summary>
    private async Task WriteThumbnailAsync(SixLabors.ImageSharp.Image<SixLabors.ImageSharp.PixelFormats.Rgb24> upright, UploadedImage image)
    {
        try
        {
            await Task.Run(() => thumbnails.Write(upright, image.Id));
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            log.LogWarning(e, "The thumbnail of image {ImageId} could not be written; it is made on first request", image.Id);
        }
    }

    /// <summary>
    /// This member's upload of exactly these bytes whose original is still on disk, oldest first: identical uploads are
    /// stored once. Other members' uploads never count (an upload is its owner's); uploads from before hashes were kept
    /// have none and are not matched.
    /// </summary>
    private async Task<UploadedImage?> StoredCopyAsync(string ownerId, string hash, CancellationToken ct)
    {
        var candidates = await db.Images.AsNoTracking()
            .Where(i => i.OwnerId == ownerId && i.ContentHash == hash)
            .OrderBy(i => i.CreatedAt)
            .ToListAsync(ct);
        return candidates.FirstOrDefault(i => File.Exists(files.UploadPath(i.Id, i.Extension)));
    }

    private async Task<long> CopyLimitedAsync(Stream source, Stream target, IncrementalHash sha, string name, CancellationToken ct)
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
            sha.AppendData(buffer, 0, read);
        }
        return total;
    }

    /// <summary>A size as people read it: "195.3 KB", "20 MB".</summary>
    public static string Megabytes(long bytes) =>
        bytes < 1024 * 1024 ? $"{bytes / 1024.0:0.#} KB" : $"{bytes / 1024.0 / 1024.0:0.#} MB";
}
