using ClipSurgeryWeb.Data;
using ClipSurgeryWeb.Jobs.Running;
using ClipSurgeryWeb.Jobs.Tests.Support;
using Hangfire;
using Hangfire.States;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace ClipSurgeryWeb.Jobs.Tests;

/// <summary>After a process was killed, start-up requeues its unfinished runs instead of waiting for Hangfire's invisibility timeout.</summary>
public sealed class ResumeTests : IAsyncLifetime
{
    private readonly JobsHost _host = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private Task ResumeAsync() => new ResumeInterruptedRuns(_host.Services.GetRequiredService<IServiceScopeFactory>(),
        _host.Services.GetRequiredService<JobStorage>(), NullLogger<ResumeInterruptedRuns>.Instance).StartAsync(default);

    private string? State(string jobId)
    {
        using var connection = _host.Services.GetRequiredService<JobStorage>().GetConnection();
        return connection.GetStateData(jobId)?.Name;
    }

    [Fact]
    public async Task A_job_left_processing_by_a_killed_process_is_enqueued_again_at_start()
    {
        var image = await _host.UploadAsync();
        var run = await _host.StartExplainAsync([image.Id]);
        var client = _host.Services.GetRequiredService<IBackgroundJobClient>();
        Assert.True(client.ChangeState(run.HangfireJobId!, new LeftProcessing(), EnqueuedState.StateName));

        await ResumeAsync();

        Assert.Equal(EnqueuedState.StateName, State(run.HangfireJobId!));
    }

    [Fact]
    public async Task The_claims_a_killed_process_left_on_images_are_released_at_start_so_the_resumed_job_redoes_them_at_once()
    {
        var image = await _host.UploadAsync();
        var run = await _host.StartExplainAsync([image.Id]);
        await _host.With(sp => sp.GetRequiredService<ClipSurgeryDb>().RunImages.Where(i => i.RunId == run.Id).ExecuteUpdateAsync(s => s
            .SetProperty(i => i.Status, JobImageStatus.Running)
            .SetProperty(i => i.ClaimedBy, "killed-process:1:00000000")
            .SetProperty(i => i.LeaseUntil, DateTime.UtcNow.AddHours(1))));

        await ResumeAsync();
        Assert.Null((await _host.LoadRunAsync(run.Id)).Images.Single().ClaimedBy);
        await _host.With(async sp => { await sp.GetRequiredService<Explain.ExplainJob>().RunAsync(run.Id, CancellationToken.None); return 0; });

        Assert.Equal(JobRunStatus.Succeeded, (await _host.LoadRunAsync(run.Id)).Status);
        Assert.Equal(1, _host.Fake.CallsFor("explain", image.Id.ToString("N")));
    }

    [Fact]
    public async Task A_run_whose_job_is_gone_gets_a_new_job_and_a_cancelled_one_is_closed()
    {
        var image = await _host.UploadAsync();
        var lost = await _host.StartExplainAsync([image.Id]);
        var cancelled = await _host.StartExplainAsync([image.Id]);
        await _host.With(async sp =>
        {
            var db = sp.GetRequiredService<ClipSurgeryDb>();
            await db.Runs.Where(r => r.Id == lost.Id).ExecuteUpdateAsync(s => s.SetProperty(r => r.HangfireJobId, "999999"));
            await db.Runs.Where(r => r.Id == cancelled.Id).ExecuteUpdateAsync(s => s
                .SetProperty(r => r.HangfireJobId, "999998").SetProperty(r => r.CancelRequested, true));
            return 0;
        });

        await ResumeAsync();

        var resumed = await _host.LoadRunAsync(lost.Id);
        Assert.NotEqual("999999", resumed.HangfireJobId);
        Assert.Equal(EnqueuedState.StateName, State(resumed.HangfireJobId!));
        Assert.Equal(JobRunStatus.Cancelled, (await _host.LoadRunAsync(cancelled.Id)).Status);
    }

    [Fact]
    public async Task A_run_whose_job_hangfire_gives_up_on_is_marked_failed_with_the_reason_and_can_be_retried()
    {
        var image = await _host.UploadAsync();
        var run = await _host.StartExplainAsync([image.Id]);
        var client = _host.Services.GetRequiredService<IBackgroundJobClient>();

        // A failure with attempts left: AutomaticRetry schedules the job again and the run waits for it.
        client.ChangeState(run.HangfireJobId!, new FailedState(new InvalidOperationException("database is locked")), EnqueuedState.StateName);
        Assert.Equal(ScheduledState.StateName, State(run.HangfireJobId!));
        Assert.Equal(JobRunStatus.Queued, (await _host.LoadRunAsync(run.Id)).Status);

        // The last attempt fails: Hangfire gives up.
        using (var connection = _host.Services.GetRequiredService<JobStorage>().GetConnection())
            connection.SetJobParameter(run.HangfireJobId!, "RetryCount", "3");
        Assert.True(client.ChangeState(run.HangfireJobId!, new FailedState(new InvalidOperationException("database is locked")), ScheduledState.StateName));

        Assert.Equal(FailedState.StateName, State(run.HangfireJobId!));
        var failed = await _host.LoadRunAsync(run.Id);
        Assert.Equal(JobRunStatus.Failed, failed.Status);
        Assert.Equal("the background job failed and will not be retried: database is locked", failed.Error);
        Assert.Equal(JobImageStatus.Failed, failed.Images.Single().Status);
        await _host.With(sp => sp.GetRequiredService<JobLauncher>().RetryAsync(_host.Owner, run.Id));
        Assert.Equal(JobRunStatus.Queued, (await _host.LoadRunAsync(run.Id)).Status);
    }

    [Fact]
    public async Task A_run_left_running_by_a_job_that_had_already_failed_is_marked_failed_at_start()
    {
        var image = await _host.UploadAsync();
        var run = await _host.StartExplainAsync([image.Id]);
        await _host.With(async sp =>
        {
            await sp.GetRequiredService<ClipSurgeryDb>().Runs.Where(r => r.Id == run.Id)
                .ExecuteUpdateAsync(s => s.SetProperty(r => r.Status, JobRunStatus.Running));
            return 0;
        });
        var client = _host.Services.GetRequiredService<IBackgroundJobClient>();
        Assert.True(client.ChangeState(run.HangfireJobId!, new FailedBeforeThisFix(), EnqueuedState.StateName));

        await ResumeAsync();

        var failed = await _host.LoadRunAsync(run.Id);
        Assert.Equal(JobRunStatus.Failed, failed.Status);
        Assert.Equal("the background job failed and will not be retried", failed.Error);
        Assert.Equal(JobImageStatus.Failed, failed.Images.Single().Status);
    }

    /// <summary>A Failed state as an older version left it (no filter marked its run).</summary>
    private sealed class FailedBeforeThisFix : IState
    {
        public string Name => FailedState.StateName;
        public string? Reason => "gave up";
        public bool IsFinal => false;
        public bool IgnoreJobLoadException => false;
        public Dictionary<string, string> SerializeData() => new() { ["ExceptionMessage"] = "boom" };
    }

    /// <summary>The state a killed worker leaves behind (Hangfire's own ProcessingState cannot be built outside a worker).</summary>
    private sealed class LeftProcessing : IState
    {
        public string Name => ProcessingState.StateName;
        public string? Reason => "worker killed";
        public bool IsFinal => false;
        public bool IgnoreJobLoadException => false;
        public Dictionary<string, string> SerializeData() => new() { ["ServerId"] = "dead-server", ["WorkerId"] = "worker-1" };
    }
}
