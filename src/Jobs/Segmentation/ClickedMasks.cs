using ClipSurgeryWeb.Data;
using ClipSurgeryWeb.Engine.Explaining;
using ClipSurgeryWeb.Engine.Imaging;
using ClipSurgeryWeb.Engine.Segmentation;
using ClipSurgeryWeb.Engine.Storage;
using ClipSurgeryWeb.Hosting.Live;
using ClipSurgeryWeb.Hosting.Options;
using ClipSurgeryWeb.Hosting.Storage;
using ClipSurgeryWeb.Jobs.Running;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace ClipSurgeryWeb.Jobs.Segmentation;

/// <summary>
/// The run side of the interactive SAM page: which image may be prompted (a finished image of a run the requester may
/// see; anything else is not found), the points the run proposed, the picture itself, and saving a clicked mask into the
/// run as the jobs do: <c>mask_clicked-&lt;n&gt;.png</c> and <c>overlay_clicked-&lt;n&gt;.png</c> written atomically into
/// the image's result folder, a <see cref="ResultFile"/> row each, and a <see cref="JobEventKind.FileReady"/> update.
/// Only the run's owner or an admin may save (sharing shows a run; it does not hand it over).
/// </summary>
public sealed class ClickedMasks(IDbContextFactory<ClipSurgeryDb> dbs, FileStore files, IJobEvents events, TimeProvider time,
    IOptions<ClipSurgeryOptions> options)
{
    /// <summary>Targets of saved clicks are <c>clicked-1</c>, <c>clicked-2</c>, …: never a label of the run (labels have no '-' rule, but the file names stay apart by number).</summary>
    public const string TargetPrefix = "clicked-";

    /// <summary>Two saves into one folder at once would take the same number: one at a time.</summary>
    private readonly SemaphoreSlim _saving = new(1, 1);

    /// <summary>Longest name a member may give a saved mask.</summary>
    public const int MaxNameLength = 200;

    /// <summary>What a saved mask is called when its member gives no name: "clicked: 3 points".</summary>
    public static string DefaultLabel(int points) => $"clicked: {points} point{(points == 1 ? "" : "s")}";

    /// <summary>The image, or null when the run or image does not exist, the requester may not see the run, or the image is not done.</summary>
    public async Task<SamImage?> FindAsync(Requester who, Guid runId, Guid jobImageId, CancellationToken ct = default)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var run = await db.Runs.AsNoTracking().FirstOrDefaultAsync(r => r.Id == runId, ct);
        if (run is null || !run.CanSee(who))
            return null;
        var item = await db.RunImages.AsNoTracking().Include(i => i.Image)
            .FirstOrDefaultAsync(i => i.Id == jobImageId && i.RunId == runId, ct);
        if (item?.Image is not { } image || item.Status != JobImageStatus.Done)
            return null;
        var targets = run.Settings.Targets.Count > 0 ? run.Settings.Targets : run.Settings.Labels;
        var stored = Proposals(files.ResultDir(runId, jobImageId));
        var proposed = targets.Where(stored.ContainsKey).Select(t => new ProposedPrompt(t, stored[t]))
            .Concat(stored.Where(s => !targets.Contains(s.Key)).OrderBy(s => s.Key, StringComparer.Ordinal).Select(s => new ProposedPrompt(s.Key, s.Value)))
            .ToList();
        return new SamImage(runId, jobImageId, image.Id, image.FileName, image.Width, image.Height, run.Settings.SamModelName,
            run.CanChange(who), proposed);
    }

    /// <summary>The points stored beside the image's maps; a file that cannot be read proposes none (clicking still works).</summary>
    private static IReadOnlyDictionary<string, ClipSurgeryWeb.Engine.Points.SamPrompt> Proposals(string folder)
    {
        try
        {
            return StoredPrompts.InFolder(folder);
        }
        catch (EngineInputException)
        {
            return new Dictionary<string, ClipSurgeryWeb.Engine.Points.SamPrompt>();
        }
    }

    /// <summary>The picture SAM encodes: upright RGB at full size, as the jobs read it (the caller disposes it).</summary>
    public Image<Rgb24> LoadImage(SamImage image)
    {
        using var db = dbs.CreateDbContext();
        var upload = db.Images.AsNoTracking().First(i => i.Id == image.ImageId);
        return ImageLoader.Load(files.UploadPath(upload.Id, upload.Extension), options.Value.ImageLimits);
    }

    /// <summary>
    /// Saves <paramref name="mask"/> (a clicked prompt's answer on <paramref name="image"/>) into the run, named
    /// <paramref name="name"/> or "clicked: N points"; returns the two new rows (mask, overlay).
    /// </summary>
    /// <exception cref="RequestRejectedException">The run is not the requester's (nor are they an admin), the image is gone, the mask is not of this image's size, or the name is too long.</exception>
    public async Task<IReadOnlyList<ResultFile>> SaveAsync(Requester who, SamImage image, SegmentResult mask, string? name, CancellationToken ct = default)
    {
        name = string.IsNullOrWhiteSpace(name) ? null : name.Trim();
        if (name is { Length: > MaxNameLength })
            throw new RequestRejectedException("name", $"at most {MaxNameLength} characters");
        if (mask.Width != image.Width || mask.Height != image.Height || mask.Mask.Length != image.Width * image.Height)
            throw new RequestRejectedException("mask", $"{mask.Width}×{mask.Height}, not the image's {image.Width}×{image.Height}");
        await using var db = await dbs.CreateDbContextAsync(ct);
        var run = await db.Runs.FirstOrDefaultAsync(r => r.Id == image.RunId, ct);
        if (run is null || !run.CanSee(who))
            throw new RequestRejectedException("run", "not found");
        if (!run.CanChange(who))
            throw new RequestRejectedException($"run {run.Id:N}", "only its owner or an admin may save masks into it");
        var item = await db.RunImages.FirstOrDefaultAsync(i => i.Id == image.JobImageId && i.RunId == run.Id, ct)
                   ?? throw new RequestRejectedException("image", "not part of this run");

        await _saving.WaitAsync(ct);
        try
        {
            return await WriteAsync(db, run, item, image, mask, name, ct);
        }
        finally
        {
            _saving.Release();
        }
    }

    private async Task<IReadOnlyList<ResultFile>> WriteAsync(ClipSurgeryDb db, JobRun run, JobImage item, SamImage image, SegmentResult mask,
        string? name, CancellationToken ct)
    {
        var folder = files.ResultDir(run.Id, item.Id);
        var target = TargetPrefix + NextNumber(folder, run.Settings.Targets.Concat(run.Settings.Labels).ToHashSet(StringComparer.Ordinal));
        var label = name ?? DefaultLabel(mask.Prompt.Count);
        var maskName = OutputNames.MaskPng(target);
        var overlayName = OutputNames.MaskOverlayPng(target);
        using (var picture = LoadImage(image))
        {
            using (var white = Image.LoadPixelData<L8>(mask.Mask.Select(v => v > 0 ? (byte)255 : (byte)0).ToArray(), mask.Width, mask.Height))
                AtomicFile.Write(Path.Combine(folder, maskName), tmp => white.SaveAsPng(tmp));
            using var overlay = MaskOverlay.Render(picture, mask.Mask, mask.Prompt.Points.ToArray(), mask.Prompt.Labels.ToArray());
            AtomicFile.Write(Path.Combine(folder, overlayName), tmp => overlay.SaveAsPng(tmp));
        }

        var now = time.GetUtcNow().UtcDateTime;
        var rows = new[] { (maskName, ResultKinds.Mask), (overlayName, ResultKinds.Overlay) }.Select(f => new ResultFile
        {
            Id = Guid.NewGuid(),
            RunId = run.Id,
            JobImageId = item.Id,
            FileName = f.Item1,
            Kind = f.Item2,
            Label = label,
            SizeBytes = new FileInfo(Path.Combine(folder, f.Item1)).Length,
            CreatedAt = now,
        }).ToList();
        db.Files.AddRange(rows);
        await db.SaveChangesAsync(ct);
        foreach (var row in rows)
        {
            events.Publish(JobEvent.For(run, JobEventKind.FileReady) with
            {
                JobImageId = item.Id,
                FileId = row.Id,
                FileName = row.FileName,
                Stage = item.Stage,
            });
        }
        return rows;
    }

    /// <summary>
    /// One more than the highest <c>clicked-n</c> in the folder (files, not rows: a file written but not recorded is never
    /// overwritten), skipping a number whose target is one of the run's own (the engine writes that target's mask there).
    /// </summary>
    private static int NextNumber(string folder, IReadOnlySet<string> runTargets)
    {
        var prefix = Path.GetFileNameWithoutExtension(OutputNames.MaskPng(TargetPrefix));
        var used = Directory.EnumerateFiles(folder, "*.png").Select(Path.GetFileNameWithoutExtension)
            .Where(n => n!.StartsWith(prefix, StringComparison.Ordinal))
            .Select(n => int.TryParse(n![prefix.Length..], out var k) ? k : 0);
        var next = used.DefaultIfEmpty(0).Max() + 1;
        while (runTargets.Contains(TargetPrefix + next))
            next++;
        return next;
    }
}
