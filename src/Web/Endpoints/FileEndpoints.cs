using System.IO.Compression;
using ClipSurgeryWeb.Data;
using ClipSurgeryWeb.Hosting.Options;
using ClipSurgeryWeb.Jobs.Running;
using ClipSurgeryWeb.Hosting.Storage;
using ClipSurgeryWeb.Web.Auth;
using ClipSurgeryWeb.Web.Services;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace ClipSurgeryWeb.Web.Endpoints;

/// <summary>
/// Images and result files, streamed from disk after checking the member may see them. Pages put these URLs in
/// &lt;img src&gt;; nothing travels as base64 through the circuit.
/// </summary>
public static class FileEndpoints
{
    public static IEndpointRouteBuilder MapFileEndpoints(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api");
        var options = app.ServiceProvider.GetRequiredService<Microsoft.Extensions.Options.IOptions<ClipSurgeryOptions>>();

        api.MapPost("/images", async (IFormFileCollection files, HttpContext http, ImageIntake intake, ILogger<ImageIntake> log,
            CancellationToken ct) =>
        {
            if (files.Count == 0)
                return Problem.BadRequest("files", "no file in the request");
            // One result per file, each on its own: the good ones are saved (and listed with their ids), every other is
            // refused with its name and reason. 200 when any was saved, 400 when none was; files past the per-upload
            // limit are refused without being checked or stored (the form reader has received them by then).
            var who = http.User.ToRequester();
            var saved = new List<UploadView>();
            var refused = new List<Problem>();
            for (var i = 0; i < files.Count; i++)
            {
                var file = files[i];
                if (i >= intake.MaxFiles)
                {
                    refused.Add(new Problem(ImageIntake.MemberFileName(file.FileName), ImageIntake.TooManyFiles(intake.MaxFiles, files.Count)));
                    continue;
                }
                try
                {
                    await using var stream = file.OpenReadStream();
                    var image = await intake.SaveAsync(stream, file.FileName, file.Length, who.UserId, who.Name, ct);
                    saved.Add(UploadView.Of(image));
                }
                catch (UploadRejectedException e)
                {
                    refused.Add(new Problem(e.FileName, e.Reason));
                }
                catch (Exception e) when (!ct.IsCancellationRequested && e is not OutOfMemoryException)
                {
                    // A full disk, a database error …: this file only (the intake left nothing of it), the others go on
                    // and the ones saved are still listed. The details stay in the log.
                    var name = ImageIntake.MemberFileName(file.FileName);
                    log.LogError(e, "Upload {FileName} failed", name);
                    refused.Add(new Problem(name, ImageIntake.FailedReason));
                }
            }
            return saved.Count == 0 ? Results.BadRequest(new { saved, refused }) : Results.Ok(new { saved, refused });
        }).WithMetadata(new RequestSizeLimitAttribute(UploadRequestLimit(options.Value)),
            new RequestFormLimitsAttribute { MultipartBodyLengthLimit = UploadRequestLimit(options.Value) });

        api.MapGet("/images/{id:guid}", async (Guid id, HttpContext http, ClipSurgeryDb db, FileStore store, CancellationToken ct) =>
        {
            var image = await db.Images.AsNoTracking().FirstOrDefaultAsync(i => i.Id == id, ct);
            if (image is null || !db.CanSeeImage(image.Id, http.User.ToRequester()))
                return Results.NotFound();
            var path = store.UploadPath(image.Id, image.Extension);
            if (!File.Exists(path))
                return Results.NotFound();
            return StoredFileResult.For(path, image.ContentType);
        });

        // What pages show of an image: a small upright JPEG, made once and kept (the original may be 15 MB, or
        // 20000×20000). Same visibility check as the original.
        api.MapGet("/images/{id:guid}/thumbnail", async (Guid id, HttpContext http, ClipSurgeryDb db, Thumbnails thumbnails,
            ILogger<Thumbnails> log, CancellationToken ct) =>
        {
            var image = await db.Images.AsNoTracking().FirstOrDefaultAsync(i => i.Id == id, ct);
            if (image is null || !db.CanSeeImage(image.Id, http.User.ToRequester()))
                return Results.NotFound();
            try
            {
                var path = await Task.Run(() => thumbnails.GetOrCreate(image), ct);
                http.Response.Headers.CacheControl = "private, max-age=86400";
                return Results.File(path, Thumbnails.ContentType);
            }
            catch (ClipSurgeryWeb.Engine.EngineInputException e)
            {
                // An upload from before the checks at the door (over today's pixel limit, animated …): no thumbnail.
                log.LogWarning("No thumbnail for image {ImageId}: {Reason}", image.Id, e.Reason);
                return Results.NotFound();
            }
        });

        api.MapGet("/files/{id:guid}", async (Guid id, [FromQuery] bool? download, HttpContext http, ClipSurgeryDb db, FileStore store,
            CancellationToken ct) =>
        {
            var file = await db.Files.AsNoTracking().FirstOrDefaultAsync(f => f.Id == id, ct);
            if (file is null)
                return Results.NotFound();
            var run = await db.Runs.AsNoTracking().FirstAsync(r => r.Id == file.RunId, ct);
            if (!run.CanSee(http.User.ToRequester()))
                return Results.NotFound();
            var path = store.ResultPath(file.RunId, file.JobImageId, file.FileName);
            if (!File.Exists(path))
                return Results.NotFound();
            var type = file.IsImage ? "image/png" : file.FileName.EndsWith(".csv") ? "text/csv"
                : file.FileName.EndsWith(".txt") ? "text/plain" : file.FileName.EndsWith(".json") ? "application/json" : "application/octet-stream";
            return StoredFileResult.For(path, type, download == true ? file.FileName : null);
        });

        // The run's files, a folder per image, and settings.json at the root (RunSettingsDocument): what was asked and how it went.
        api.MapGet("/runs/{id:guid}/zip", async (Guid id, HttpContext http, ClipSurgeryDb db, FileStore store, CancellationToken ct) =>
        {
            var run = await db.Runs.AsNoTracking().Include(r => r.Images).ThenInclude(i => i.Image)
                .Include(r => r.Images).ThenInclude(i => i.Files).AsSplitQuery().FirstOrDefaultAsync(r => r.Id == id, ct);
            if (run is null || !run.CanSee(http.User.ToRequester()))
                return Results.NotFound();
            // Built in a temporary file (ZipArchive writes synchronously), streamed, and deleted when the response ends.
            var temp = Path.Combine(Path.GetTempPath(), $"clipsurgery-{Guid.NewGuid():N}.zip");
            using (var zip = ZipFile.Open(temp, ZipArchiveMode.Create))
            {
                var settings = RunSettingsDocument.From(run, ZipFolder, options.Value.Precision);
                using (var entry = zip.CreateEntry(RunSettingsDocument.FileName, CompressionLevel.Fastest).Open())
                    entry.Write(settings.ToUtf8());
                foreach (var item in run.Images.OrderBy(i => i.Order))
                {
                    var folder = ZipFolder(item);
                    foreach (var file in item.Files.OrderBy(f => f.FileName, StringComparer.Ordinal))
                    {
                        var path = store.ResultPath(run.Id, item.Id, file.FileName);
                        if (File.Exists(path))
                            zip.CreateEntryFromFile(path, $"{folder}/{EntrySegment(file.FileName)}", CompressionLevel.Fastest);
                    }
                }
            }
            var stream = new FileStream(temp, FileMode.Open, FileAccess.Read, FileShare.Read, 81920,
                FileOptions.DeleteOnClose | FileOptions.Asynchronous);
            return Results.File(stream, "application/zip", $"clipsurgery_{run.Kind.ToString().ToLowerInvariant()}_{run.Id:N}.zip");
        });
        return app;
    }

    /// <summary>Most bytes of one upload request: every file at its limit, plus 64 KB of multipart headers for each.</summary>
    public static long UploadRequestLimit(ClipSurgeryOptions options) =>
        (options.MaxUploadBytes + 64 * 1024) * Math.Max(1, options.MaxUploadFiles);

    /// <summary>An image's folder in the run's zip: its place in the run and its uploaded name, <c>01_street</c>.</summary>
    private static string ZipFolder(JobImage item) =>
        FolderSegment($"{item.Order + 1:00}_{Path.GetFileNameWithoutExtension(item.Image?.FileName ?? "image")}");

    /// <summary>Longest image folder name in a zip, in (ASCII) bytes: room to spare under the 255 every file system allows.</summary>
    public const int MaxFolderLength = 150;

    /// <summary>An image's folder in a zip: <see cref="EntrySegment"/>, cut past <see cref="MaxFolderLength"/> with "~" and a hash.</summary>
    public static string FolderSegment(string name)
    {
        var safe = EntrySegment(name);
        if (safe.Length <= MaxFolderLength)
            return safe;
        var hash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(name)))[..8];
        return $"{safe[..(MaxFolderLength - hash.Length - 1)]}~{hash}";
    }

    /// <summary>
    /// One folder or file name of a zip entry, safe for every extractor: only [A-Za-z0-9._+ -] are kept (others become
    /// '_'), so an uploaded name like "..\..\x.png" cannot carry a separator (Windows tools split on '\') or a
    /// drive; a name of dots only becomes '_'.
    /// </summary>
    private static string EntrySegment(string name)
    {
        var safe = string.Concat(name.Select(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '+' or ' ' or '-' ? c : '_'));
        return safe.Trim('.').Length == 0 ? "_" : safe;
    }
}
