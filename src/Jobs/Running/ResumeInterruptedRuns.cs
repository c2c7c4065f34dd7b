using ClipSurgeryWeb.Data;
using ClipSurgeryWeb.Hosting.Storage;
using Hangfire;
using Hangfire.States;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ClipSurgeryWeb.Jobs.Running;

/// <summary>
/// At start-up with SQLite (one server process per database), resumes runs the previous process left unfinished:
/// a job still marked Processing belonged to that process (it was killed), so it is requeued now instead of after
/// Hangfire's invisibility timeout; a run whose job vanished gets a new one; a run whose job Hangfire gave up on (left
/// from before <see cref="FailRunWhenJobGivesUp"/> marked such runs) is marked Failed so it can be retried. Jobs are
/// idempotent, so a duplicate is harmless. Registered before the Hangfire server so it runs before any worker fetches.
/// First it sweeps what the killed process left half-written (<see cref="InterruptedWrites"/>): temporary files of
/// results and thumbnails, unfinished uploads. This process is then the only one writing in the data folder. The killed
/// process's image claims are released too (<see cref="ImageLeases"/>), so its images are redone at once.
/// </summary>
public sealed class ResumeInterruptedRuns(IServiceScopeFactory scopes, JobStorage storage, ILogger<ResumeInterruptedRuns> log) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var files = scope.ServiceProvider.GetRequiredService<FileStore>();
        var db = scope.ServiceProvider.GetRequiredService<ClipSurgeryDb>();
        var imageIds = (await db.Images.Select(i => i.Id).ToListAsync(cancellationToken)).ToHashSet();
        var swept = InterruptedWrites.SweepDataFolder(files) + InterruptedWrites.SweepOrphans(files, imageIds);
        if (swept > 0)
            log.LogInformation("Removed {Count} leftovers of interrupted writes from the data folder", swept);
        // The killed process's claims on images (ImageLeases) die with it: no other process works on this database, so
        // they are released now instead of blocking the resumed job until they expire.
        var released = await db.RunImages.Where(i => i.ClaimedBy != null)
            .ExecuteUpdateAsync(s => s.SetProperty(i => i.ClaimedBy, (string?)null).SetProperty(i => i.LeaseUntil, (DateTime?)null), cancellationToken);
        if (released > 0)
            log.LogInformation("Released {Count} image claims of the previous process", released);
        var client = scope.ServiceProvider.GetRequiredService<IBackgroundJobClient>();
        var launcher = scope.ServiceProvider.GetRequiredService<JobLauncher>();
        var events = scope.ServiceProvider.GetRequiredService<ClipSurgeryWeb.Hosting.Live.IJobEvents>();
        var unfinished = await db.Runs
            .Where(r => r.Status == JobRunStatus.Queued || r.Status == JobRunStatus.Running)
            .ToListAsync(cancellationToken);
        using var connection = storage.GetConnection();
        foreach (var run in unfinished)
        {
            var state = run.HangfireJobId is null ? null : connection.GetStateData(run.HangfireJobId)?.Name;
            if (state == ProcessingState.StateName)
            {
                log.LogInformation("Resuming run {RunId}: its job {JobId} was interrupted", run.Id, run.HangfireJobId);
                client.Requeue(run.HangfireJobId!);
            }
            else if (state == FailedState.StateName)
            {
                log.LogInformation("Closing run {RunId}: Hangfire gave up on its job {JobId}", run.Id, run.HangfireJobId);
                FailRunWhenJobGivesUp.MarkFailed(db, events, run.Id, run.HangfireJobId!,
                    "the background job failed and will not be retried", DateTime.UtcNow);
            }
            else if (state is null || state == DeletedState.StateName || state == SucceededState.StateName)
            {
                if (run.CancelRequested)
                {
                    run.Status = JobRunStatus.Cancelled;
                    run.FinishedAt = DateTime.UtcNow;
                    await db.SaveChangesAsync(cancellationToken);
                    continue;
                }
                log.LogInformation("Resuming run {RunId}: its job is gone ({State})", run.Id, state ?? "none");
                launcher.Requeue(run);
            }
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
