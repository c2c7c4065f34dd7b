using ClipSurgeryWeb.Data;
using ClipSurgeryWeb.Jobs.Engine;
using ClipSurgeryWeb.Jobs.Live;
using ClipSurgeryWeb.Hosting.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace ClipSurgeryWeb.Jobs.Running;

/// <summary>
/// The per-image loop every engine job shares. Idempotent: finished and failed images are skipped, so a retried or
/// resumed run continues where it stopped. A failing image records its reason and the run goes on. A cancelled run
/// marks what was left as cancelled; a shutdown puts the current image back to pending and lets Hangfire requeue.
/// </summary>
public sealed class RunLoop(ClipSurgeryDb db, FileStore files, IJobEvents events, RunCancellations cancellations,
    TimeProvider time, ILogger<RunLoop> log)
{
    public async Task RunAsync(Guid runId, JobRunKind kind, CancellationToken jobToken, Action<ImageWork> work)
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

            var images = run.Images.OrderBy(i => i.Order).ToList();
            foreach (var item in images)
            {
                if (item.Status is JobImageStatus.Done or JobImageStatus.Failed)
                    continue;
                var completedBefore = images.Count(i => i.Status is JobImageStatus.Done or JobImageStatus.Failed);
                double Overall(double within) => (completedBefore + within) / images.Count;
                if (!RunOne(run, item, cts, Overall, work))
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

    /// <summary>Runs one image; false when the run was cancelled.</summary>
    private bool RunOne(JobRun run, JobImage item, CancellationTokenSource cts, Func<double, double> overall, Action<ImageWork> work)
    {
        item.Status = JobImageStatus.Running;
        item.StartedAt = Now;
        item.Error = null;
        item.Progress = 0;
        db.SaveChanges();
        ImageWork context;
        try
        {
            // What an interrupted attempt at this image left half-written is removed before it is done again.
            var swept = InterruptedWrites.SweepFolder(files.ResultDir(run.Id, item.Id));
            if (swept > 0)
                log.LogInformation("Removed {Count} leftovers of interrupted writes for image {ImageId} of run {RunId}", swept, item.ImageId, run.Id);
            context = new ImageWork(db, events, time, files, run, item, cts, overall);
            context.Report(0, force: true);
            work(context);
            context.AddRemainingFiles();
            item.Status = JobImageStatus.Done;
            item.Progress = 1;
            item.FinishedAt = Now;
            db.SaveChanges();
        }
        catch (OperationCanceledException) when (cts.IsCancellationRequested)
        {
            DropUnsavedAdditions();
            if (IsCancelRequested(run.Id))
            {
                FinishCancelled(run);
                return false;
            }
            // Shutdown: leave the image for the next worker; Hangfire requeues the job. An image already saved as done
            // stays done, or the next worker would redo it.
            db.RunImages.Where(i => i.Id == item.Id && i.Status != JobImageStatus.Done)
                .ExecuteUpdate(s => s.SetProperty(i => i.Status, JobImageStatus.Pending));
            throw;
        }
        catch (Exception ex)
        {
            DropUnsavedAdditions();
            // The engine names the stored upload (…/uploads/<id>.png); the member knows the file by its own name. No
            // other server path reaches the member either (a result file's path in an IOException, a model's path).
            var reason = Describe(ex, item.Image is { } image
                ? new Dictionary<string, string> { [files.UploadPath(image.Id, image.Extension)] = image.FileName }
                : null);
            log.LogWarning(ex, "Image {ImageId} of run {RunId} failed: {Reason}", item.ImageId, run.Id, reason);
            var failed = item;
            failed.Status = JobImageStatus.Failed;
            failed.Error = reason;
            failed.FinishedAt = Now;
            db.SaveChanges();
            events.Publish(JobEvent.For(run, JobEventKind.ImageProgress) with
            {
                JobImageId = item.Id,
                ImageStatus = failed.Status.ToString(),
                Stage = failed.Stage,
                Progress = failed.Progress,
                Overall = overall(1),
                Message = reason,
            });
            return true;
        }
        // Outside the try: the image is done and saved; a cancellation arriving now is for the next image to notice.
        context.ReportDone();
        return true;
    }

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
