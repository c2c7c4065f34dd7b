using ClipSurgeryWeb.Data;
using ClipSurgeryWeb.Jobs.Explain;
using ClipSurgeryWeb.Jobs.Tests.Support;
using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace ClipSurgeryWeb.Jobs.Tests;

/// <summary>
/// A run cancelled on another machine: the web app there sets the run's flag and deletes its Hangfire jobs in the shared
/// storage. The one cancel channel is Hangfire's job token, which the server cancels when it sees the job deleted; the
/// flag stops what has not started yet (a job, or the claim of the next image).
/// </summary>
public sealed class CancelledElsewhereTests
{
    /// <summary>Only turns a hang into a failure; no test waits for time to pass.</summary>
    private static readonly TimeSpan SafetyTimeout = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task A_run_whose_job_another_machine_deleted_stops_the_running_image_through_the_job_token()
    {
        await using var host = new JobsHost(runServer: true);
        var image = await host.UploadAsync();
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var sawCancel = false;
        host.Fake.Starting = (_, _, ct) =>
        {
            started.TrySetResult();
            sawCancel = ct.WaitHandle.WaitOne(SafetyTimeout);
        };
        var run = await host.StartExplainAsync([image.Id], ["cat", "sofa", "dog"], modes: ["cs"]);
        await started.Task.WaitAsync(SafetyTimeout);

        // As the other machine's web app would: its own Hangfire client on the shared storage, not this process's objects.
        using (var scope = host.Services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ClipSurgeryDb>();
            await db.Runs.Where(r => r.Id == run.Id).ExecuteUpdateAsync(s => s.SetProperty(r => r.CancelRequested, true));
            var jobId = await db.Runs.Where(r => r.Id == run.Id).Select(r => r.HangfireJobId).SingleAsync();
            Assert.True(new BackgroundJobClient(scope.ServiceProvider.GetRequiredService<JobStorage>()).Delete(jobId));
        }
        var cancelled = await host.WaitForFinishAsync(run.Id, SafetyTimeout);

        Assert.True(sawCancel, "the engine's token was never cancelled");
        Assert.Equal(JobRunStatus.Cancelled, cancelled.Status);
        Assert.Equal(JobImageStatus.Cancelled, cancelled.Images.Single().Status);
        Assert.Empty(cancelled.Images.Single().Files);
    }

    [Fact]
    public async Task A_run_flagged_cancelled_while_an_image_runs_starts_no_further_image()
    {
        await using var host = new JobsHost();
        var first = await host.UploadAsync("first.png");
        var second = await host.UploadAsync("second.png");
        var run = await host.StartExplainAsync([first.Id, second.Id], ["cat"], modes: ["cs"]);
        // Only the flag changes (no job token here): the image under way finishes, the next one is never claimed.
        host.Fake.Finishing = (_, path) =>
        {
            if (!path.Contains(first.Id.ToString("N")))
                return;
            using var scope = host.Services.CreateScope();
            scope.ServiceProvider.GetRequiredService<ClipSurgeryDb>().Runs.Where(r => r.Id == run.Id)
                .ExecuteUpdate(s => s.SetProperty(r => r.CancelRequested, true));
        };

        await host.With(async sp => { await sp.GetRequiredService<ExplainJob>().RunAsync(run.Id, CancellationToken.None); return 0; });

        var cancelled = await host.LoadRunAsync(run.Id);
        Assert.Equal(JobRunStatus.Cancelled, cancelled.Status);
        Assert.Equal(JobImageStatus.Done, cancelled.Images.Single(i => i.ImageId == first.Id).Status);
        Assert.Equal(JobImageStatus.Cancelled, cancelled.Images.Single(i => i.ImageId == second.Id).Status);
        Assert.Equal(0, host.Fake.CallsFor("explain", second.Id.ToString("N")));
        Assert.Single(host.Events.Events, e => e.RunId == run.Id && e.Kind == ClipSurgeryWeb.Hosting.Live.JobEventKind.RunChanged && e.RunStatus == "Cancelled");
    }
}
