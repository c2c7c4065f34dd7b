using ClipSurgeryWeb.Jobs.Data;
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
