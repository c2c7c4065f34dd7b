using ClipSurgeryWeb.Data;
using ClipSurgeryWeb.Engine.Evaluation;
using ClipSurgeryWeb.Engine.Methods;
using ClipSurgeryWeb.Hosting.Live;
using ClipSurgeryWeb.Hosting.Storage;
using ClipSurgeryWeb.Jobs.Evaluation;
using ClipSurgeryWeb.Jobs.Running;
using ClipSurgeryWeb.Jobs.Tests.Support;
using ClipSurgeryWeb.Tests.Fakes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace ClipSurgeryWeb.Jobs.Tests.Evaluation;

/// <summary>
/// One eval, one job at a time (<see cref="RunLeases"/>): a second job on an eval that another holds live (Hangfire handing
/// it out again, a second worker) leaves the run and its report folder alone; a lease left by a killed worker expires and
/// the next job resumes the eval from the engine's state; a holder whose lease was taken over stops without storing.
/// The clock is a fake; the lease lasts a minute.
/// </summary>
public sealed class EvalLeaseTests : IAsyncLifetime
{
    private static readonly TimeSpan SafetyTimeout = TimeSpan.FromMinutes(2);

    private const string KilledWorker = "killed-worker:1:00000000";

    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private readonly JobsHost _host;
    private readonly Requester _admin = new("admin-1", "admin@example.com", IsAdmin: true);

    public EvalLeaseTests()
    {
        _host = new JobsHost(time: _time, settings: new Dictionary<string, string?> { ["ClipSurgery:Jobs:LeaseDuration"] = "00:01:00" });
        Directory.CreateDirectory(Path.Combine(_host.Root, "data", "datasets", "voc"));
        _host.Fake.EvalScoring = (_, _) => _time.Advance(TimeSpan.FromSeconds(1));
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private Task<JobRun> StartAsync() =>
        _host.With(sp => sp.GetRequiredService<JobLauncher>().StartEvalAsync(_admin, "voc", EvalDatasetKind.Voc21, JobsHost.ModelName,
            [DenseMethod.Naclip.Method], null, false, null));

    private Task RunAsync(Guid runId) =>
        _host.With(async sp => { await sp.GetRequiredService<EvalJob>().RunAsync(runId, CancellationToken.None); return 0; });

    private string ReportFolder(Guid runId) => EvalJob.ReportFolder(_host.Services.GetRequiredService<FileStore>(), runId);

    /// <summary>The run as a worker left it that scored <paramref name="done"/> of 5 images and holds (or held) the lease until then.</summary>
    private Task HeldAsync(Guid runId, int done, DateTime until) => _host.With(async sp =>
    {
        var db = sp.GetRequiredService<ClipSurgeryDb>();
        return await db.Runs.Where(r => r.Id == runId).ExecuteUpdateAsync(s => s
            .SetProperty(r => r.Status, JobRunStatus.Running)
            .SetProperty(r => r.StartedAt, until.AddMinutes(-5))
            .SetProperty(r => r.ItemsDone, done)
            .SetProperty(r => r.ItemsTotal, 5)
            .SetProperty(r => r.ClaimedBy, KilledWorker)
            .SetProperty(r => r.LeaseUntil, until));
    });

    private int RunChanges(Guid runId) => _host.Events.Events.Count(e => e.RunId == runId && e.Kind == JobEventKind.RunChanged);

    [Fact]
    public async Task A_second_job_on_an_eval_another_job_holds_live_does_nothing_and_leaves_the_run_as_it_is()
    {
        var run = await StartAsync();
        await HeldAsync(run.Id, done: 2, until: _time.GetUtcNow().UtcDateTime.AddMinutes(1));
        var changesBefore = RunChanges(run.Id);

        await RunAsync(run.Id);

        var after = await _host.LoadRunAsync(run.Id);
        Assert.Equal(JobRunStatus.Running, after.Status);
        Assert.Equal((2, 5), (after.ItemsDone, after.ItemsTotal));
        Assert.Null(after.ReportJson);
        Assert.Null(after.Error);
        Assert.Equal(KilledWorker, after.ClaimedBy);
        Assert.Empty(_host.Fake.EvalCalls);
        Assert.False(Directory.Exists(ReportFolder(run.Id)), "the second job never touched the report folder");
        Assert.Equal(changesBefore, RunChanges(run.Id));
    }

    [Fact]
    public async Task Two_jobs_on_one_eval_at_once_run_it_once_and_end_it_once()
    {
        var run = await StartAsync();
        var firstAtWork = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var secondDone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _host.Fake.EvalScoring = (i, _) =>
        {
            _time.Advance(TimeSpan.FromSeconds(1));
            if (i != 1)
                return;
            // The first job, mid-eval, waits until the second job has come and gone.
            firstAtWork.TrySetResult();
            secondDone.Task.Wait(SafetyTimeout);
        };

        var first = Task.Run(() => RunAsync(run.Id));
        await firstAtWork.Task.WaitAsync(SafetyTimeout);
        await RunAsync(run.Id).WaitAsync(SafetyTimeout);
        var meanwhile = await _host.LoadRunAsync(run.Id);
        secondDone.SetResult();
        await first.WaitAsync(SafetyTimeout);

        Assert.Equal(JobRunStatus.Running, meanwhile.Status);
        Assert.NotNull(meanwhile.ClaimedBy);
        Assert.Single(_host.Fake.EvalCalls);
        var done = await _host.LoadRunAsync(run.Id);
        Assert.Equal(JobRunStatus.Succeeded, done.Status);
        Assert.Equal((5, 5), (done.ItemsDone, done.ItemsTotal));
        Assert.NotNull(EvalReportJson.Read(done.ReportJson));
        Assert.Null(done.ClaimedBy);
        Assert.Null(done.LeaseUntil);
        Assert.Equal(1, _host.Events.Events.Count(e => e.RunId == run.Id && e.RunStatus == nameof(JobRunStatus.Succeeded)));
    }

    [Fact]
    public async Task An_eval_whose_worker_was_killed_is_resumed_from_its_state_once_the_lease_expires()
    {
        var run = await StartAsync();
        // The killed worker had scored two images (the engine's state in the report folder says so) and held the lease until now.
        Directory.CreateDirectory(ReportFolder(run.Id));
        await File.WriteAllTextAsync(Path.Combine(ReportFolder(run.Id), FakeClipEngine.EvalStateFile), "2");
        await HeldAsync(run.Id, done: 2, until: _time.GetUtcNow().UtcDateTime.AddSeconds(30));
        var scored = new List<int>();
        _host.Fake.EvalScoring = (i, _) => { scored.Add(i); _time.Advance(TimeSpan.FromSeconds(1)); };

        await RunAsync(run.Id);
        Assert.Empty(scored);
        Assert.Equal(JobRunStatus.Running, (await _host.LoadRunAsync(run.Id)).Status);

        _time.Advance(TimeSpan.FromSeconds(31));
        await RunAsync(run.Id);

        var done = await _host.LoadRunAsync(run.Id);
        Assert.Equal(JobRunStatus.Succeeded, done.Status);
        Assert.Equal([2, 3, 4], scored);
        Assert.Equal((5, 5), (done.ItemsDone, done.ItemsTotal));
        Assert.NotNull(EvalReportJson.Read(done.ReportJson));
        Assert.Null(done.ClaimedBy);
    }

    [Fact]
    public async Task A_job_whose_lease_was_taken_over_stops_without_storing_its_progress_or_ending_the_run()
    {
        var run = await StartAsync();
        _host.Fake.EvalScoring = (i, _) =>
        {
            // Past the renewal time at every image; before image 2 the lease has expired and another job took the run over.
            _time.Advance(TimeSpan.FromSeconds(20));
            if (i != 2)
                return;
            _time.Advance(TimeSpan.FromMinutes(2));
            _host.With(async sp => await sp.GetRequiredService<ClipSurgeryDb>().Runs.Where(r => r.Id == run.Id)
                .ExecuteUpdateAsync(s => s.SetProperty(r => r.ClaimedBy, "new-holder:2:11111111")
                    .SetProperty(r => r.LeaseUntil, _time.GetUtcNow().UtcDateTime.AddMinutes(1)))).GetAwaiter().GetResult();
        };

        await RunAsync(run.Id);

        var after = await _host.LoadRunAsync(run.Id);
        Assert.Equal(JobRunStatus.Running, after.Status);
        Assert.Equal((2, 5), (after.ItemsDone, after.ItemsTotal));
        Assert.Null(after.ReportJson);
        Assert.Null(after.FinishedAt);
        Assert.Equal("new-holder:2:11111111", after.ClaimedBy);
    }

    [Fact]
    public async Task An_eval_claim_is_won_by_one_holder_renewed_only_by_it_and_taken_over_once_expired()
    {
        var run = await StartAsync();
        await using var scopeA = _host.Scope();
        await using var scopeB = _host.Scope();
        var a = scopeA.ServiceProvider.GetRequiredService<RunLeases>();
        var b = scopeB.ServiceProvider.GetRequiredService<RunLeases>();

        Assert.True(a.TryClaim(run.Id));
        Assert.False(b.TryClaim(run.Id));
        _time.Advance(TimeSpan.FromSeconds(50));
        Assert.True(a.RenewIfDue(run.Id));
        _time.Advance(TimeSpan.FromSeconds(50));
        Assert.False(b.TryClaim(run.Id));

        _time.Advance(TimeSpan.FromSeconds(61));
        Assert.True(b.TryClaim(run.Id));
        Assert.False(a.RenewIfDue(run.Id));
        a.Release(run.Id);
        Assert.Equal(b.Holder, (await _host.LoadRunAsync(run.Id)).ClaimedBy);
        b.Release(run.Id);
        Assert.Null((await _host.LoadRunAsync(run.Id)).ClaimedBy);

        await RunAsync(run.Id);
        Assert.False(b.TryClaim(run.Id), "a finished run cannot be claimed");
    }
}
