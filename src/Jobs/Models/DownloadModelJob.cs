using ClipSurgeryWeb.Engine.Checkpoints;
using ClipSurgeryWeb.Engine.Hosting;
using ClipSurgeryWeb.Data;
using ClipSurgeryWeb.Jobs.Engine;
using ClipSurgeryWeb.Hosting.Live;
using ClipSurgeryWeb.Jobs.Running;
using ClipSurgeryWeb.Hosting.Storage;
using Hangfire;
using Microsoft.EntityFrameworkCore;

namespace ClipSurgeryWeb.Jobs.Models;

/// <summary>
/// Downloads an official checkpoint into the models folder; the engine checks its SHA256. A failed download is recorded
/// on the run and then thrown, so Hangfire lists the job as Failed too. No automatic retries: the download client
/// already retries transient HTTP failures (DownloadClient), so a failure here is final, and a Hangfire retry would only
/// find the finished run and end Succeeded; the member retries from the Models page (JobLauncher.RetryAsync).
/// </summary>
[Queue(Queues.Default)]
[AutomaticRetry(Attempts = 0, OnAttemptsExceeded = AttemptsExceededAction.Fail)]
public sealed class DownloadModelJob(ClipSurgeryDb db, IClipEngine engine, FileStore files, IJobEvents events, TimeProvider time)
{
    public async Task RunAsync(Guid id, CancellationToken ct)
    {
        var run = await db.Runs.FirstOrDefaultAsync(r => r.Id == id, CancellationToken.None);
        if (run is null || run.IsFinished || run.Kind != JobRunKind.Download)
            return;
        var name = run.Settings.OfficialName ?? throw new InvalidOperationException($"run {id} names no model");
        run.Status = JobRunStatus.Running;
        run.StartedAt = time.GetUtcNow().UtcDateTime;
        await db.SaveChangesAsync(CancellationToken.None);
        events.Publish(JobEvent.For(run, JobEventKind.RunChanged));

        var last = DateTimeOffset.MinValue;
        var progress = new SynchronousProgress<DownloadProgress>(p =>
        {
            run.BytesDone = p.BytesDone;
            run.BytesTotal = p.BytesTotal;
            if (time.GetUtcNow() - last < TimeSpan.FromMilliseconds(250))
                return;
            last = time.GetUtcNow();
            db.SaveChanges();
            events.Publish(JobEvent.For(run, JobEventKind.RunChanged) with
            {
                Overall = p.BytesTotal is > 0 ? (double)p.BytesDone / p.BytesTotal.Value : null,
            });
        });
        try
        {
            engine.Download(name, files.ModelsDir, progress, ct);
            run.Status = JobRunStatus.Succeeded;
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            var cancelled = db.Runs.AsNoTracking().Where(r => r.Id == id).Select(r => r.CancelRequested).FirstOrDefault();
            if (!cancelled)
                throw;
            run.Status = JobRunStatus.Cancelled;
        }
        catch (Exception ex)
        {
            run.Status = JobRunStatus.Failed;
            run.Error = RunLoop.Describe(ex);
        }
        run.FinishedAt = time.GetUtcNow().UtcDateTime;
        await db.SaveChangesAsync(CancellationToken.None);
        events.Publish(JobEvent.For(run, JobEventKind.RunChanged) with { Overall = 1, Message = run.Error });
        if (run.Status == JobRunStatus.Succeeded)
            events.Publish(new JobEvent { Kind = JobEventKind.ModelsChanged, Message = name });
        // Recorded first, so FailRunWhenJobGivesUp finds the run finished and keeps this reason.
        if (run.Status == JobRunStatus.Failed)
            throw new ModelDownloadFailedException(name, run.Error ?? "failed");
    }
}
