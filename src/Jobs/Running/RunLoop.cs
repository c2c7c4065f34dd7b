using ClipSurgeryWeb.Engine.Pipeline;
using ClipSurgeryWeb.Data;
using ClipSurgeryWeb.Jobs.Engine;
using ClipSurgeryWeb.Jobs.Live;
using ClipSurgeryWeb.Hosting.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace ClipSurgeryWeb.Jobs.Running;

/// <summary>
/// The loop every engine job shares: claim the next images still to do (up to the job's batch), hand them to one engine
/// call, and save each image as done or failed when the engine's events say so. Idempotent: finished and failed images
/// are skipped, so a retried or resumed run continues where it stopped. A failing image records its reason and the run
/// goes on. A cancelled run marks what was left as cancelled; a shutdown puts unfinished images back to pending and
/// lets Hangfire requeue.
/// </summary>
public sealed class RunLoop(ClipSurgeryDb db, FileStore files, IJobEvents events, RunCancellations cancellations,
    TimeProvider time, ILogger<RunLoop> log)
{
    /// <param name="batchSize">Images per engine call (1 for work done one image at a time).</param>
    public async Task RunAsync(Guid runId, JobRunKind kind, CancellationToken jobToken, int batchSize, Action<ImageBatch> work)
    {
        var run = await db.Runs
            .Include(r => r.Images.OrderBy(i => i.Order)).ThenInclude(i => i.Image)
            .AsSplitQuery()
            .FirstOrDefaultAsync(r => r.Id == runId, CancellationToken.None);
        if (run is null)
        {
            log.LogWarning("Run {RunId} no longer exists; nothing to do", runId);
            return;
        }
        if (run.Kind != kind)
            throw new InvalidOperationException($"run {runId} is a {run.Kind} run, not {kind}");
        if (run.CancelRequested)
        {
            FinishCancelled(run);
            return;
        }

        var cts = cancellations.Register(runId, jobToken);
        try
        {
            run.Status = JobRunStatus.Running;
            run.StartedAt ??= Now;
            run.FinishedAt = null;
            SaveAndPublishRun(run);

            for (var next = ToDo(run, batchSize); next.Count > 0; next = ToDo(run, batchSize))
            {
                if (!RunBatch(run, next, cts, work))
                    return;
            }
            Finish(run);
        }
        finally
        {
            cancellations.Unregister(runId, cts);
            cts.Dispose();
        }
    }

    /// <summary>Skip: the next images in run order that are neither done nor failed, at most <paramref name="batchSize"/>.</summary>
    private static List<JobImage> ToDo(JobRun run, int batchSize) => run.Images
        .OrderBy(i => i.Order)
        .Where(i => i.Status is not (JobImageStatus.Done or JobImageStatus.Failed))
        .Take(Math.Max(1, batchSize))
        .ToList();

    /// <summary>One engine call for <paramref name="items"/>; false when the run was cancelled.</summary>
    private bool RunBatch(JobRun run, List<JobImage> items, CancellationTokenSource cts, Action<ImageBatch> work)
    {
        var claimed = items.Select(item => Claim(run, item, cts)).ToList();
        var batch = new ImageBatch(run, claimed, cts.Token, Done, (image, failed) => Fail(image, failed.Error));
        try
        {
            foreach (var image in claimed)
                image.Report(0, force: true);
            work(batch);
            foreach (var image in claimed.Where(i => !i.Finished && i.Failure is null))
                Fail(image, new InvalidOperationException("the engine ended without finishing this image"));
        }
        catch (OperationCanceledException) when (cts.IsCancellationRequested)
        {
            DropUnsavedAdditions();
            if (IsCancelRequested(run.Id))
            {
                FinishCancelled(run);
                return false;
            }
            // Shutdown: leave the images for the next worker; Hangfire requeues the job. An image already saved as done
            // stays done, or the next worker would redo it.
            var left = items.Select(i => i.Id).ToList();
            db.RunImages.Where(i => left.Contains(i.Id) && i.Status == JobImageStatus.Running)
                .ExecuteUpdate(s => s.SetProperty(i => i.Status, JobImageStatus.Pending));
            throw;
        }
        catch (Exception ex)
        {
            // The call as a whole failed (a model that cannot load, a refused request): so did every image it had not ended.
            DropUnsavedAdditions();
            foreach (var image in claimed.Where(i => !i.Finished && i.Failure is null && i.Item.Status == JobImageStatus.Running))
                Fail(image, ex);
        }
        return true;
    }

    /// <summary>Claim: the image is running, and what an interrupted attempt at it left half-written is removed.</summary>
    private ImageWork Claim(JobRun run, JobImage item, CancellationTokenSource cts)
    {
        item.Status = JobImageStatus.Running;
        item.StartedAt = Now;
        item.Error = null;
        item.Progress = 0;
        db.SaveChanges();
        var swept = InterruptedWrites.SweepFolder(files.ResultDir(run.Id, item.Id));
        if (swept > 0)
            log.LogInformation("Removed {Count} leftovers of interrupted writes for image {ImageId} of run {RunId}", swept, item.ImageId, run.Id);
        return new ImageWork(db, events, time, files, run, item, cts, within => Overall(run, item, within));
    }

    /// <summary>Done: saved at once, so a cancellation later in the call leaves it done; then announced (never throws for cancellation).</summary>
    private void Done(ImageWork image)
    {
        var item = image.Item;
        item.Status = JobImageStatus.Done;
        item.Progress = 1;
        item.FinishedAt = Now;
        db.SaveChanges();
        image.ReportDone();
    }

    /// <summary>Fail: the image records a reason a member can act on, with no server path in it; the run goes on.</summary>
    private void Fail(ImageWork image, Exception ex)
    {
        DropUnsavedAdditions();
        var item = image.Item;
        var run = image.Run;
        // The engine names the stored upload (…/uploads/<id>.png); the member knows the file by its own name. No
        // other server path reaches the member either (a result file's path in an IOException, a model's path).
        var reason = Describe(ex, item.Image is { } upload
            ? new Dictionary<string, string> { [files.UploadPath(upload.Id, upload.Extension)] = upload.FileName }
            : null);
        log.LogWarning(ex, "Image {ImageId} of run {RunId} failed: {Reason}", item.ImageId, run.Id, reason);
        item.Status = JobImageStatus.Failed;
        item.Error = reason;
        item.FinishedAt = Now;
        db.SaveChanges();
        events.Publish(JobEvent.For(run, JobEventKind.ImageProgress) with
        {
            JobImageId = item.Id,
            ImageStatus = item.Status.ToString(),
            Stage = item.Stage,
            Progress = item.Progress,
            Overall = Overall(run, item, 1),
            Message = reason,
        });
    }

    /// <summary>The run's progress: the other images ended, plus this one's progress within it.</summary>
    private static double Overall(JobRun run, JobImage item, double within) => run.Images.Count == 0 ? 1
        : Math.Min(1, (run.Images.Count(i => i.Id != item.Id && i.Status is JobImageStatus.Done or JobImageStatus.Failed) + within) / run.Images.Count);

    private bool IsCancelRequested(Guid runId) =>
        db.Runs.AsNoTracking().Where(r => r.Id == runId).Select(r => r.CancelRequested).FirstOrDefault();

    private void DropUnsavedAdditions()
    {
        foreach (var entry in db.ChangeTracker.Entries().Where(e => e.State == EntityState.Added).ToList())
            entry.State = EntityState.Detached;
    }

    private void Finish(JobRun run)
    {
        var statuses = run.Images.Select(i => i.Status).ToList();
        var done = statuses.Count(s => s == JobImageStatus.Done);
        var failed = statuses.Count(s => s == JobImageStatus.Failed);
        run.Status = failed == 0 ? JobRunStatus.Succeeded : done > 0 ? JobRunStatus.CompletedWithErrors : JobRunStatus.Failed;
        run.Error = failed == 0 ? null : $"{failed} of {statuses.Count} images failed";
        run.FinishedAt = Now;
        SaveAndPublishRun(run);
    }

    private void FinishCancelled(JobRun run)
    {
        foreach (var item in run.Images.Where(i => i.Status is JobImageStatus.Pending or JobImageStatus.Running))
            item.Status = JobImageStatus.Cancelled;
        run.Status = JobRunStatus.Cancelled;
        run.CancelRequested = true;
        run.FinishedAt = Now;
        SaveAndPublishRun(run);
    }

    private void SaveAndPublishRun(JobRun run)
    {
        db.SaveChanges();
        var statuses = run.Images.Select(i => i.Status).ToList();
        events.Publish(JobEvent.For(run, JobEventKind.RunChanged) with
        {
            Overall = statuses.Count == 0 ? null
                : (double)statuses.Count(s => s is JobImageStatus.Done or JobImageStatus.Failed) / statuses.Count,
            Message = run.Error,
        });
    }

    private DateTime Now => time.GetUtcNow().UtcDateTime;

    /// <summary>
    /// A reason a person can act on: the engine's own words for bad input, the exception's message otherwise; with no
    /// server path in it (<see cref="ServerPaths.Hide"/>: a path in <paramref name="knownAs"/> becomes its name there,
    /// any other its last part).
    /// </summary>
    public static string Describe(Exception ex, IReadOnlyDictionary<string, string>? knownAs = null) => ServerPaths.Hide(ex switch
    {
        // The engine's subject may be a whole path: a known one becomes its name there (below), any other its file name.
        EngineInputException e => $"{(knownAs?.ContainsKey(e.Subject) != true && Path.IsPathRooted(e.Subject) ? Path.GetFileName(e.Subject) : e.Subject)}: {e.Reason}",
        FileNotFoundException e => $"{Path.GetFileName(e.FileName) ?? "file"}: not found",
        _ => ex.Message,
    }, knownAs);
}
