using ClipSurgeryWeb.Data;
using ClipSurgeryWeb.Engine.Evaluation;
using ClipSurgeryWeb.Engine.Pipeline;
using ClipSurgeryWeb.Hosting.Live;
using ClipSurgeryWeb.Hosting.Storage;
using ClipSurgeryWeb.Jobs.Engine;
using ClipSurgeryWeb.Jobs.Models;
using ClipSurgeryWeb.Jobs.Running;
using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace ClipSurgeryWeb.Jobs.Evaluation;

/// <summary>
/// Scores an evaluation run's methods on its dataset folder: one engine call, whose progress (images scored of the
/// eval's total) is stored on the run and announced as it comes, at most every <see cref="SaveEvery"/>, and whose report
/// is stored on the run when it ends. The engine keeps its state in the run's own report folder
/// (<see cref="ReportFolder"/>), so a job run again after a crash, a shutdown or a retry continues where the last one
/// stopped instead of starting the dataset over. Cancel comes by Hangfire's token (the launcher deletes the job) or,
/// when only the flag reached this worker, by the flag, read at each stored progress.
/// One job runs an eval at a time: the job holds the run's lease (<see cref="RunLeases"/>), renewed at each progress
/// report; a second job on the run (Hangfire handing the job out again, another worker) finds the live lease and ends
/// without touching the run or its report folder, and a lease left by a killed worker expires, so the next job resumes
/// the eval from its state. A holder whose lease was taken over meanwhile stops and leaves the run to the new holder.
/// </summary>
[Queue(Queues.Gpu)]
[AutomaticRetry(Attempts = 3)]
public sealed class EvalJob(ClipSurgeryDb db, IClipEngine engine, ModelsFolder models, FileStore files, IJobEvents events,
    RunLeases leases, TimeProvider time, ILogger<EvalJob> log)
{
    /// <summary>Least time between two stored (and announced) progress updates; the last image is always stored.</summary>
    public static readonly TimeSpan SaveEvery = TimeSpan.FromMilliseconds(250);

    /// <summary>The run's folder of engine state, <c>report.json</c> and <c>report.md</c>: removed with the run's results.</summary>
    public static string ReportFolder(FileStore files, Guid runId) => Path.Combine(files.RunResultsDir(runId), "eval");

    public async Task RunAsync(Guid id, CancellationToken ct)
    {
        var run = await db.Runs.FirstOrDefaultAsync(r => r.Id == id, CancellationToken.None);
        if (run is null)
        {
            log.LogWarning("Run {RunId} no longer exists; nothing to do", id);
            return;
        }
        if (run.Kind != JobRunKind.Evaluation)
            throw new InvalidOperationException($"run {id} is a {run.Kind} run, not {JobRunKind.Evaluation}");
        if (run.IsFinished)
        {
            log.LogInformation("Run {RunId} is already {Status}; nothing to do", id, run.Status);
            return;
        }
        if (!leases.TryClaim(id))
        {
            // Not a failure: the holder reports the run's progress and end, and a lease it stops renewing expires.
            log.LogInformation("Eval run {RunId} is being run by another job; leaving it to that one", id);
            return;
        }
        try
        {
            await RunClaimedAsync(run, ct);
        }
        finally
        {
            leases.Release(id);
        }
    }

    /// <summary>The eval under this job's lease; every stored change first makes sure the lease is still this job's.</summary>
    private async Task RunClaimedAsync(JobRun run, CancellationToken ct)
    {
        var id = run.Id;
        if (run.CancelRequested)
        {
            End(run, JobRunStatus.Cancelled, null);
            return;
        }

        run.Status = JobRunStatus.Running;
        run.StartedAt ??= Now;
        run.FinishedAt = null;
        run.Error = null;
        await db.SaveChangesAsync(CancellationToken.None);
        Publish(run);

        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var last = DateTimeOffset.MinValue;
        Exception? firstFailure = null;
        var leaseLost = false;
        void OnEvent(PipelineEvent e)
        {
            if (leaseLost)
                return;
            if (e is EvalProgressed or EvalFinished && !leases.RenewIfDue(id))
            {
                // Taken over after this job's lease expired: the new holder owns the run and its report folder now.
                leaseLost = true;
                cancel.Cancel();
                return;
            }
            switch (e)
            {
                case EvalProgressed p:
                    run.ItemsDone = p.Done;
                    run.ItemsTotal = p.Total;
                    if (p.Done < p.Total && time.GetUtcNow() - last < SaveEvery)
                        return;
                    last = time.GetUtcNow();
                    db.SaveChanges();
                    Publish(run);
                    if (IsCancelRequested(id))
                        cancel.Cancel();
                    break;
                case EvalFinished f:
                    run.ReportJson = EvalReportJson.Write(f.Report);
                    run.ItemsDone = f.Report.Images;
                    run.ItemsTotal = f.Report.Images;
                    db.SaveChanges();
                    break;
                case ImageFailed failed:
                    // Kept to say why, should the eval end without a report: a score over part of a dataset is not its score.
                    firstFailure ??= failed.Error;
                    break;
            }
        }

        try
        {
            var settings = run.Settings;
            var clip = models.RequireClip(settings.ModelName ?? "").Path;
            var request = new EvalRequest(
                settings.DatasetFolder ?? throw new InvalidOperationException($"run {id} names no dataset folder"),
                settings.Dataset ?? throw new InvalidOperationException($"run {id} names no dataset"),
                settings.LabelMethods, ReportFolder(files, id), settings.Limit, settings.Pamr, settings.ShortSide);
            Directory.CreateDirectory(request.ReportFolder);
            engine.Pipeline(new EngineModels(clip, null, RunPrecision.Of(settings))).Evaluate(request, OnEvent, cancel.Token);
            if (leaseLost)
            {
                LeftToNewHolder(id);
                return;
            }
            if (run.ReportJson is null)
                throw firstFailure ?? new InvalidOperationException("the engine ended the eval without a report");
            End(run, JobRunStatus.Succeeded, null);
        }
        catch (Exception) when (leaseLost)
        {
            // Stopped by the cancel above (or failing on the way out): whatever this job saw is the new holder's to store.
            LeftToNewHolder(id);
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            if (!IsCancelRequested(id))
            {
                // Shutdown: the run stays running with its progress; Hangfire requeues the job and the engine resumes.
                db.SaveChanges();
                throw;
            }
            End(run, JobRunStatus.Cancelled, null);
        }
        catch (Exception ex)
        {
            log.LogWarning(ex, "Eval run {RunId} failed", id);
            End(run, JobRunStatus.Failed, RunLoop.Describe(ex));
        }
    }

    private void LeftToNewHolder(Guid id) =>
        log.LogWarning("Eval run {RunId}: this job's lease expired and another job took the eval over; stopping without storing", id);

    /// <summary>Ends the run, once: a run another job (or the launcher) ended meanwhile is left as it is.</summary>
    private void End(JobRun run, JobRunStatus status, string? error)
    {
        var now = Now;
        var cancelled = status == JobRunStatus.Cancelled;
        var ended = db.Runs.Where(r => r.Id == run.Id && (r.Status == JobRunStatus.Queued || r.Status == JobRunStatus.Running))
            .ExecuteUpdate(s => s.SetProperty(r => r.Status, status)
                .SetProperty(r => r.Error, error)
                .SetProperty(r => r.CancelRequested, r => r.CancelRequested || cancelled)
                .SetProperty(r => r.ItemsDone, run.ItemsDone)
                .SetProperty(r => r.ItemsTotal, run.ItemsTotal)
                .SetProperty(r => r.ReportJson, r => run.ReportJson ?? r.ReportJson)
                .SetProperty(r => r.FinishedAt, now));
        db.Entry(run).Reload();
        if (ended == 1)
            Publish(run);
    }

    private void Publish(JobRun run) => events.Publish(JobEvent.For(run, JobEventKind.RunChanged) with
    {
        Overall = run.ItemsTotal is > 0 ? Math.Min(1, (double)(run.ItemsDone ?? 0) / run.ItemsTotal.Value) : null,
        Message = run.Error,
    });

    private bool IsCancelRequested(Guid runId) =>
        db.Runs.AsNoTracking().Where(r => r.Id == runId).Select(r => r.CancelRequested).FirstOrDefault();

    private DateTime Now => time.GetUtcNow().UtcDateTime;
}
