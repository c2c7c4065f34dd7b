using ClipSurgeryWeb.Data;
using ClipSurgeryWeb.Hosting.Live;
using ClipSurgeryWeb.Hosting.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace ClipSurgeryWeb.Jobs.Running;

/// <summary>
/// Deletes a member's runs and uploads, rows and files together, for the History page and the API alike. Only the owner
/// or an admin may delete (sharing shows a run, it does not hand it over); what a member may not even see is "not
/// found", as everywhere else. A refusal names the thing and the reason (<see cref="RequestRejectedException"/>).
/// <para>
/// A run's opinion words go with it: the word records are computed from the stored words
/// (<see cref="Records.WordRecordBoard"/>), so the board then shows the next-earliest finding of a word, or no longer
/// shows a word only the deleted run had found; a <see cref="JobEventKind.RecordsChanged"/> tells open Records pages.
/// The rows go first, in one transaction, then the files: a file that cannot be removed is logged and left (nothing
/// points at it any more; an upload's original without a row is taken by the start-up sweep,
/// <see cref="InterruptedWrites.SweepOrphans"/>), never a row left pointing at missing files.
/// </para>
/// </summary>
public sealed class Deletions(ClipSurgeryDb db, FileStore files, Thumbnails thumbnails, IJobEvents events, ILogger<Deletions> log)
{
    /// <summary>Deletes a finished run: its images' results, tokens, opinion words and its result folder.</summary>
    /// <returns>False when there is no such run, or none the requester may see.</returns>
    /// <exception cref="RequestRejectedException">The requester is neither owner nor admin, or the run is still queued or running.</exception>
    public async Task<bool> DeleteRunAsync(Requester who, Guid runId, CancellationToken ct = default)
    {
        var run = await db.Runs.AsNoTracking().FirstOrDefaultAsync(r => r.Id == runId, ct);
        if (run is null || !run.CanSee(who))
            return false;
        RequireChange(run, who);
        if (!run.IsFinished)
            throw new RequestRejectedException(RunSubject(run), $"it is still {run.Status.ToString().ToLowerInvariant()}; cancel it first");

        var jobImages = db.RunImages.Where(i => i.RunId == runId).Select(i => i.Id);
        int words;
        await using (var transaction = await db.Database.BeginTransactionAsync(ct))
        {
            words = await db.Words.Where(w => w.RunId == runId).ExecuteDeleteAsync(ct);
            await db.Tokens.Where(t => jobImages.Contains(t.JobImageId)).ExecuteDeleteAsync(ct);
            await db.Files.Where(f => f.RunId == runId).ExecuteDeleteAsync(ct);
            await db.RunImages.Where(i => i.RunId == runId).ExecuteDeleteAsync(ct);
            // Only a run that is still finished: one retried or resumed since it was read stays.
            var deleted = await db.Runs.Where(r => r.Id == runId && r.Status == run.Status).ExecuteDeleteAsync(ct);
            if (deleted == 0)
                throw new RequestRejectedException(RunSubject(run), "it changed while being deleted (retried?); look again");
            await transaction.CommitAsync(ct);
        }

        DeleteFolder(files.RunResultsDir(runId));
        events.Publish(JobEvent.For(run, JobEventKind.RunChanged) with { Message = RunDeleted });
        if (words > 0)
            events.Publish(JobEvent.For(run, JobEventKind.RecordsChanged) with { Message = RunDeleted });
        return true;
    }

    /// <summary>The message of the live events that announce a deleted run.</summary>
    public const string RunDeleted = "deleted";

    /// <summary>Deletes an upload nothing uses: its row, its original and its thumbnails.</summary>
    /// <returns>False when there is no such image, or none the requester may see.</returns>
    /// <exception cref="RequestRejectedException">The requester is neither owner nor admin, or runs use the image.</exception>
    public async Task<bool> DeleteUploadAsync(Requester who, Guid imageId, CancellationToken ct = default)
    {
        var image = await db.Images.AsNoTracking().FirstOrDefaultAsync(i => i.Id == imageId, ct);
        if (image is null || !db.CanSeeImage(imageId, who))
            return false;
        var subject = $"upload '{image.FileName}'";
        if (!ClipSurgeryWeb.Data.Visibility.RunVisibility.AllowsChange(image.OwnerId, who.UserId, who.IsAdmin))
            throw new RequestRejectedException(subject, "only its owner or an admin may delete it");
        var runs = await RunsUsingAsync(imageId, ct);
        if (runs > 0)
            throw new RequestRejectedException(subject, UsedBy(runs));
        // Conditional, so a run that took the image meanwhile keeps it (the foreign key would refuse it too).
        var deleted = await db.Images.Where(i => i.Id == imageId && !db.RunImages.Any(ji => ji.ImageId == imageId)).ExecuteDeleteAsync(ct);
        if (deleted == 0)
            throw new RequestRejectedException(subject, UsedBy(await RunsUsingAsync(imageId, ct)));
        DeleteFile(files.UploadPath(image.Id, image.Extension));
        try
        {
            thumbnails.Delete(image.Id);
        }
        catch (IOException e)
        {
            log.LogWarning(e, "The thumbnails of deleted image {ImageId} could not be removed", image.Id);
        }
        return true;
    }

    /// <summary>"used by 2 runs; delete them first".</summary>
    public static string UsedBy(int runs) => runs == 1 ? "used by 1 run; delete it first" : $"used by {runs} runs; delete them first";

    private Task<int> RunsUsingAsync(Guid imageId, CancellationToken ct) =>
        db.RunImages.Where(ji => ji.ImageId == imageId).Select(ji => ji.RunId).Distinct().CountAsync(ct);

    private static void RequireChange(JobRun run, Requester who)
    {
        if (!run.CanChange(who))
            throw new RequestRejectedException(RunSubject(run), "only its owner or an admin may delete it");
    }

    private static string RunSubject(JobRun run) => $"run {run.Id}";

    private void DeleteFolder(string path)
    {
        try
        {
            if (Directory.Exists(path))
                Directory.Delete(path, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            log.LogWarning(e, "The result folder {Folder} of a deleted run could not be removed; the start-up sweep takes it", path);
        }
    }

    private void DeleteFile(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            log.LogWarning(e, "The file {File} of a deleted upload could not be removed", path);
        }
    }
}
