using ClipSurgeryWeb.Engine.Pipeline;
using ClipSurgeryWeb.Data;
using ClipSurgeryWeb.Hosting.Live;
using ClipSurgeryWeb.Hosting.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace ClipSurgeryWeb.Jobs.Running;

/// <summary>
/// The loop every engine job shares: claim the next images still to do (up to the job's batch) — each by a lease only
/// one job can win (<see cref="ImageLeases"/>) — hand them to one engine call, and save each image as done or failed
/// when the engine's events say so. Idempotent: finished and failed images are skipped, so a retried or resumed run
/// continues where it stopped. A failing image records its reason and the run goes on. Several jobs may run one run at
/// once (helpers on other workers, a job handed out twice): a job whose remaining images are all held by others waits
/// for them, taking over a claim that expires (a killed worker), and whoever sees the last image end finishes the run,
/// once (a conditional update). A cancelled run marks what was left as cancelled; a shutdown puts unfinished images
/// back to pending and lets Hangfire requeue.
/// </summary>
public sealed class RunLoop(ClipSurgeryDb db, FileStore files, IJobEvents events, ImageLeases leases,
    TimeProvider time, ILogger<RunLoop> log)
{
    /// <param name="jobToken">Hangfire's token: the one cancel channel (cancelled on shutdown, and when the run's job is deleted).</param>
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
        if (run.IsFinished)
        {
            // A job delivered again (or a helper started late) after another job ended the run.
            log.LogInformation("Run {RunId} is already {Status}; nothing to do", runId, run.Status);
            return;
        }
        if (run.CancelRequested)
        {
            FinishCancelled(run);
            return;
        }

        MarkRunning(run);
        while (true)
        {
            var next = ClaimNext(run, batchSize);
            if (next.Count > 0)
            {
                if (!RunBatch(run, next, jobToken, work))
                    return;
                continue;
            }
            var left = leases.Remainder(run.Id);
            if (left.AllFinished)
                break;
            if (IsCancelRequested(run.Id))
            {
                // Cancelled between images (only the flag reached this job): no claim succeeds any more.
                FinishCancelled(run);
                return;
            }
            if (!left.AnyClaimable && !await WaitForOthersAsync(run, left, jobToken))
                return;
            foreach (var item in run.Images.Where(i => i.Status is JobImageStatus.Pending or JobImageStatus.Running))
                db.Entry(item).Reload();
        }
        Finish(run);
    }

    /// <summary>
    /// Skip and claim: the next images in run order that are still to do and whose lease this job wins, at most
    /// <paramref name="batchSize"/>. An image another job holds (or finished meanwhile) is left to that one and read
    /// as it stands now.
    /// </summary>
    private List<JobImage> ClaimNext(JobRun run, int batchSize)
    {
        var claimed = new List<JobImage>();
        foreach (var item in run.Images.OrderBy(i => i.Order))
        {
            if (claimed.Count >= Math.Max(1, batchSize))
                break;
            if (item.Status is not (JobImageStatus.Pending or JobImageStatus.Running))
                continue;
            var won = leases.TryClaim(item.Id);
            db.Entry(item).Reload();
            if (!won)
                continue;
            log.LogInformation("Image {JobImageId} of run {RunId} claimed by {Holder}", item.Id, run.Id, leases.Holder);
            claimed.Add(item);
        }
        return claimed;
    }

    /// <summary>
    /// Waits while every unfinished image is held by another job, so that an image whose holder died is taken over once
    /// its lease expires instead of being lost. False when the run was cancelled meanwhile (and is now closed).
    /// </summary>
    private async Task<bool> WaitForOthersAsync(JobRun run, RunRemainder left, CancellationToken jobToken)
    {
        log.LogInformation("Run {RunId}: {Count} unfinished images are held by other workers; looking again in {Wait}",
            run.Id, left.HeldByOthers, leases.CheckOthersEvery);
        try
        {
            await Task.Delay(leases.CheckOthersEvery, time, jobToken);
            return true;
        }
        catch (OperationCanceledException) when (jobToken.IsCancellationRequested)
        {
            if (!IsCancelRequested(run.Id))
                throw;
            FinishCancelled(run);
            return false;
        }
    }

    /// <summary>One engine call for the claimed <paramref name="items"/>; false when the run was cancelled.</summary>
    private bool RunBatch(JobRun run, List<JobImage> items, CancellationToken jobToken, Action<ImageBatch> work)
    {
        var claimed = items.Select(item => Start(run, item, jobToken)).ToList();
        var batch = new ImageBatch(run, claimed, jobToken, Done, (image, failed) => Fail(image, failed.Error));
        try
        {
            foreach (var image in claimed)
                image.Report(0, force: true);
            work(batch);
            foreach (var image in claimed.Where(i => !i.Finished && i.Failure is null))
                Fail(image, new InvalidOperationException("the engine ended without finishing this image"));
        }
        catch (LeaseLostException ex)
        {
            // This job stalled past a lease and another took that image over: its outcome is that one's to write. The
            // call's other unfinished images go back to pending, free for whoever claims them next.
            DropUnsavedAdditions();
            log.LogWarning("Run {RunId}: {Reason}; leaving the image to the new holder", run.Id, ex.Message);
            PutBack(claimed);
        }
        catch (OperationCanceledException) when (jobToken.IsCancellationRequested)
        {
            DropUnsavedAdditions();
            if (IsCancelRequested(run.Id))
            {
                FinishCancelled(run);
                ReleaseAll(claimed);
                return false;
            }
            // Shutdown: leave the images for the next worker; Hangfire requeues the job. An image already saved as done
            // stays done, or the next worker would redo it.
            PutBack(claimed);
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

    /// <summary>Put back: this job's images of the call that are still running become pending again, and their claims free.</summary>
    private void PutBack(IReadOnlyList<ImageWork> images)
    {
        var mine = images.Where(i => !i.Finished && i.Failure is null).Select(i => i.Item.Id).ToList();
        db.RunImages.Where(i => mine.Contains(i.Id) && i.Status == JobImageStatus.Running && i.ClaimedBy == leases.Holder)
            .ExecuteUpdate(s => s.SetProperty(i => i.Status, JobImageStatus.Pending));
        ReleaseAll(images);
        foreach (var image in images)
            db.Entry(image.Item).Reload();
    }

    private void ReleaseAll(IReadOnlyList<ImageWork> images)
    {
        foreach (var image in images)
            leases.Release(image.Item.Id);
    }

    /// <summary>Start (a claimed image): it is running, and what an interrupted attempt at it left half-written is removed.</summary>
    private ImageWork Start(JobRun run, JobImage item, CancellationToken jobToken)
    {
        item.Status = JobImageStatus.Running;
        item.StartedAt = Now;
        item.Error = null;
        item.Progress = 0;
        db.SaveChanges();
        var swept = InterruptedWrites.SweepFolder(files.ResultDir(run.Id, item.Id));
        if (swept > 0)
            log.LogInformation("Removed {Count} leftovers of interrupted writes for image {ImageId} of run {RunId}", swept, item.ImageId, run.Id);
        return new ImageWork(db, events, time, files, run, item, jobToken, leases, within => Overall(run, item, within));
    }

    /// <summary>Done: saved at once, so a cancellation later in the call leaves it done; then announced (never throws for cancellation).</summary>
    private void Done(ImageWork image)
    {
        var item = image.Item;
        var run = image.Run;
        item.Status = JobImageStatus.Done;
        item.Progress = 1;
        item.FinishedAt = Now;
        db.SaveChanges();
        leases.Release(item.Id);
        log.LogInformation("Image {JobImageId} of run {RunId} done by {Holder}", item.Id, run.Id, leases.Holder);
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
        leases.Release(item.Id);
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

    /// <summary>Running again (a resumed run clears its end); written only while the run is unfinished.</summary>
    private void MarkRunning(JobRun run)
    {
        var now = Now;
        db.Runs.Where(r => r.Id == run.Id && (r.Status == JobRunStatus.Queued || r.Status == JobRunStatus.Running))
            .ExecuteUpdate(s => s.SetProperty(r => r.Status, JobRunStatus.Running)
                .SetProperty(r => r.StartedAt, r => r.StartedAt ?? now)
                .SetProperty(r => r.FinishedAt, (DateTime?)null));
        db.Entry(run).Reload();
        Publish(run);
    }

    /// <summary>
    /// Ends the run from its images as the database has them (other jobs may have done some). A conditional update: of
    /// several jobs seeing the last image end, one ends it and announces it. A run cancelled meanwhile ends cancelled.
    /// </summary>
    private void Finish(JobRun run)
    {
        var statuses = db.RunImages.AsNoTracking().Where(i => i.RunId == run.Id).Select(i => i.Status).ToList();
        var done = statuses.Count(s => s == JobImageStatus.Done);
        var failed = statuses.Count(s => s == JobImageStatus.Failed);
        var status = failed == 0 ? JobRunStatus.Succeeded : done > 0 ? JobRunStatus.CompletedWithErrors : JobRunStatus.Failed;
        var error = failed == 0 ? null : $"{failed} of {statuses.Count} images failed";
        var now = Now;
        var ended = db.Runs.Where(r => r.Id == run.Id && !r.CancelRequested
                                       && (r.Status == JobRunStatus.Queued || r.Status == JobRunStatus.Running))
            .ExecuteUpdate(s => s.SetProperty(r => r.Status, status).SetProperty(r => r.Error, error).SetProperty(r => r.FinishedAt, now));
        if (ended == 0 && IsCancelRequested(run.Id))
        {
            FinishCancelled(run);
            return;
        }
        ReloadRun(run);
        if (ended == 1)
            Publish(run);
    }

    /// <summary>Marks what was left of the run cancelled and ends it, once (as <see cref="Finish"/>).</summary>
    private void FinishCancelled(JobRun run)
    {
        var now = Now;
        db.RunImages.Where(i => i.RunId == run.Id && (i.Status == JobImageStatus.Pending || i.Status == JobImageStatus.Running))
            .ExecuteUpdate(s => s.SetProperty(i => i.Status, JobImageStatus.Cancelled));
        var ended = db.Runs.Where(r => r.Id == run.Id && r.Status != JobRunStatus.Succeeded && r.Status != JobRunStatus.CompletedWithErrors
                                       && r.Status != JobRunStatus.Failed && r.Status != JobRunStatus.Cancelled)
            .ExecuteUpdate(s => s.SetProperty(r => r.Status, JobRunStatus.Cancelled)
                .SetProperty(r => r.CancelRequested, true)
                .SetProperty(r => r.FinishedAt, now));
        ReloadRun(run);
        if (ended == 1)
            Publish(run);
    }

    private void ReloadRun(JobRun run)
    {
        db.Entry(run).Reload();
        foreach (var item in run.Images)
            db.Entry(item).Reload();
    }

    private void Publish(JobRun run)
    {
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
