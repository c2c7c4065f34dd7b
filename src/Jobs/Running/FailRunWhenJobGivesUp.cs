using ClipSurgeryWeb.Hosting.Storage;
using ClipSurgeryWeb.Data;
using ClipSurgeryWeb.Hosting.Live;
using Hangfire.Common;
using Hangfire.States;
using Hangfire.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ClipSurgeryWeb.Jobs.Running;

/// <summary>
/// When Hangfire gives up on a run's job (the Failed state, after <c>AutomaticRetry</c>'s last attempt), the run is marked
/// Failed with the reason and its unfinished images with it, so it shows as failed and can be retried instead of
/// staying "Running" forever. Works on every storage (SQLite and PostgreSQL): it is a Hangfire filter, registered
/// through this host's <see cref="IJobFilterProvider"/> rather than Hangfire's process-wide filter list.
/// </summary>
public sealed class FailRunWhenJobGivesUp(IServiceScopeFactory scopes, TimeProvider time, ILogger<FailRunWhenJobGivesUp> log) : IApplyStateFilter
{
    public void OnStateApplied(ApplyStateContext context, IWriteOnlyTransaction transaction)
    {
        if (context.NewState is not FailedState failed || context.BackgroundJob.Job?.Args is not [Guid runId, ..])
            return;
        try
        {
            using var scope = scopes.CreateScope();
            var reason = ServerPaths.Hide(
                $"the background job failed and will not be retried: {failed.Exception?.Message ?? failed.Reason ?? "no reason given"}");
            MarkFailed(scope.ServiceProvider.GetRequiredService<ClipSurgeryDb>(), scope.ServiceProvider.GetRequiredService<IJobEvents>(),
                runId, context.BackgroundJob.Id, reason, time.GetUtcNow().UtcDateTime);
        }
        catch (Exception ex)
        {
            log.LogError(ex, "Could not mark run {RunId} failed after its job {JobId} failed", runId, context.BackgroundJob.Id);
        }
    }

    public void OnStateUnapplied(ApplyStateContext context, IWriteOnlyTransaction transaction)
    {
    }

    /// <summary>
    /// Marks an unfinished run whose current job is <paramref name="jobId"/> Failed: images not done (nor already failed)
    /// fail with the reason, so a retry runs them again. A finished run, or one that has a newer job, is left alone.
    /// </summary>
    public static void MarkFailed(ClipSurgeryDb db, IJobEvents events, Guid runId, string jobId, string reason, DateTime now)
    {
        var run = db.Runs.Include(r => r.Images).FirstOrDefault(r => r.Id == runId);
        if (run is null || run.IsFinished || run.HangfireJobId != jobId)
            return;
        foreach (var item in run.Images.Where(i => i.Status is JobImageStatus.Pending or JobImageStatus.Running))
        {
            item.Status = JobImageStatus.Failed;
            item.Error = reason;
            item.FinishedAt = now;
        }
        run.Status = JobRunStatus.Failed;
        run.Error = reason;
        run.FinishedAt = now;
        db.SaveChanges();
        events.Publish(JobEvent.For(run, JobEventKind.RunChanged) with { Message = reason });
    }
}
