using ClipSurgeryWeb.Data;
using ClipSurgeryWeb.Engine.Evaluation;
using ClipSurgeryWeb.Engine.Methods;
using ClipSurgeryWeb.Hosting.Live;
using ClipSurgeryWeb.Hosting.Storage;
using ClipSurgeryWeb.Jobs.Evaluation;
using ClipSurgeryWeb.Jobs.Running;
using ClipSurgeryWeb.Jobs.Tests.Support;
using ClipSurgeryWeb.Tests.Fakes;
using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace ClipSurgeryWeb.Jobs.Tests.Evaluation;

/// <summary>
/// Evals as jobs, on the fake engine: the launcher's checks (admins only, the folder inside the datasets root, a CLIP
/// model, label-map methods, a limit of at least one), then <see cref="EvalJob"/> storing progress and the report,
/// cancelled by the flag or by Hangfire's token, and continuing after a shutdown from the engine's state in the run's
/// report folder. The clock is a fake moved one second per image, so every image's progress is stored (the job stores
/// at most every <see cref="EvalJob.SaveEvery"/>).
/// </summary>
public sealed class EvalJobTests : IAsyncLifetime
{
    private static readonly TimeSpan SafetyTimeout = TimeSpan.FromMinutes(2);

    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private readonly JobsHost _host;
    private readonly Requester _admin = new("admin-1", "admin@example.com", IsAdmin: true);
    private readonly string _voc;

    public EvalJobTests()
    {
        _host = new JobsHost(time: _time);
        _voc = Directory.CreateDirectory(Path.Combine(_host.Root, "data", "datasets", "voc")).FullName;
        _host.Fake.EvalScoring = (_, _) => _time.Advance(TimeSpan.FromSeconds(1));
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private Task<JobRun> StartAsync(Requester? who = null, string? folder = null, string? model = null, IReadOnlyList<string>? methods = null,
        int? limit = null, bool? pamr = null, int? shortSide = null) =>
        _host.With(sp => sp.GetRequiredService<JobLauncher>().StartEvalAsync(who ?? _admin, folder ?? "voc", EvalDatasetKind.Voc21,
            model ?? JobsHost.ModelName, (methods ?? ["naclip", "cs"]).Select(m => new MapMethod(m)).ToList(), limit, pamr, shortSide));

    private Task RunAsync(Guid runId, CancellationToken ct = default) =>
        _host.With(async sp => { await sp.GetRequiredService<EvalJob>().RunAsync(runId, ct); return 0; });

    private Task CancelAsync(Guid runId) =>
        _host.With(async sp => { await sp.GetRequiredService<JobLauncher>().CancelAsync(_admin, runId); return 0; });

    private async Task<int> RunCountAsync() => await _host.With(sp => sp.GetRequiredService<ClipSurgeryDb>().Runs.CountAsync());

    [Fact]
    public async Task An_eval_stores_its_progress_as_images_are_scored_and_its_report_when_it_ends()
    {
        var run = await StartAsync(limit: 4, pamr: true, shortSide: 448);
        var stored = new List<(int? Done, int? Total, JobRunStatus Status)>();
        _host.Fake.EvalScoring = (i, _) =>
        {
            // Before image i is scored the run holds the i images before it (each stored: the clock moves a second per image).
            var now = _host.LoadRunAsync(run.Id).GetAwaiter().GetResult();
            stored.Add((now.ItemsDone, now.ItemsTotal, now.Status));
            _time.Advance(TimeSpan.FromSeconds(1));
        };

        await RunAsync(run.Id);

        Assert.Equal([(null, null, JobRunStatus.Running), (1, 4, JobRunStatus.Running), (2, 4, JobRunStatus.Running), (3, 4, JobRunStatus.Running)], stored);
        var done = await _host.LoadRunAsync(run.Id);
        Assert.Equal(JobRunStatus.Succeeded, done.Status);
        Assert.Equal((4, 4), (done.ItemsDone, done.ItemsTotal));
        var report = EvalReportJson.Read(done.ReportJson);
        Assert.NotNull(report);
        Assert.Equal([MapMethod.Surgery, DenseMethod.Naclip.Method], report.Methods.Select(m => m.Method));
        Assert.Equal(["background", "cat", "dog", "sofa"], report.ClassNames);
        Assert.True(double.IsNaN(report.Methods[0].Scores.ClassIoU[3]), "a class with no pixels stays NaN through the stored JSON");
        Assert.Equal(4, report.Images);

        // The engine was asked for the run's settings, with the run's own report folder, where it wrote report.json.
        var (models, request) = Assert.Single(_host.Fake.EvalCalls);
        var folder = EvalJob.ReportFolder(_host.Services.GetRequiredService<FileStore>(), run.Id);
        Assert.Equal((_voc, EvalDatasetKind.Voc21, folder, (int?)4, (bool?)true, (int?)448),
            (request.DatasetFolder, request.Dataset, request.ReportFolder, request.Limit, request.Pamr, request.ShortSide));
        Assert.Equal([MapMethod.Surgery, DenseMethod.Naclip.Method], request.Methods);
        Assert.EndsWith(JobsHost.ModelName + ".pt", models.ClipModelPath);
        Assert.True(File.Exists(Path.Combine(folder, "report.json")));

        // Announced live: the progress as a share of the eval, ending at the whole of it with the run's end.
        var overall = _host.Events.Events.Where(e => e.RunId == run.Id && e.Kind == JobEventKind.RunChanged && e.Overall is not null)
            .Select(e => e.Overall!.Value).ToList();
        Assert.Equal([0.25, 0.5, 0.75, 1.0, 1.0], overall);
        Assert.Equal(nameof(JobRunStatus.Succeeded), _host.Events.Events.Last(e => e.RunId == run.Id).RunStatus);
    }

    [Theory]
    [InlineData(null)]
    [InlineData(false)]
    public async Task An_evals_PAMR_choice_travels_as_asked_null_for_each_methods_own(bool? pamr)
    {
        var run = await StartAsync(pamr: pamr);
        Assert.Equal(pamr, (await _host.LoadRunAsync(run.Id)).Settings.Pamr);

        await RunAsync(run.Id);

        var (_, request) = Assert.Single(_host.Fake.EvalCalls);
        Assert.Equal((pamr, (int?)null), (request.Pamr, request.ShortSide));
        var report = EvalReportJson.Read((await _host.LoadRunAsync(run.Id)).ReportJson);
        Assert.NotNull(report);
        Assert.Equal(pamr, report.Pamr);
        var naclip = report.Methods.Single(m => m.Method == DenseMethod.Naclip.Method).Protocol;
        Assert.Equal(EvalProtocol.For(DenseMethod.Naclip.Method, EvalDatasetKind.Voc21).With(null, pamr), naclip);
        Assert.Equal(pamr ?? true, naclip!.Pamr);
    }

    [Fact]
    public async Task Cancelling_a_running_eval_stops_it_at_the_next_image_when_only_the_flag_reaches_the_worker()
    {
        var run = await StartAsync();
        _host.Fake.EvalScoring = (i, _) =>
        {
            _time.Advance(TimeSpan.FromSeconds(1));
            if (i == 2)
                CancelAsync(run.Id).GetAwaiter().GetResult();
        };

        await RunAsync(run.Id);

        var cancelled = await _host.LoadRunAsync(run.Id);
        Assert.Equal(JobRunStatus.Cancelled, cancelled.Status);
        Assert.Equal((3, 5), (cancelled.ItemsDone, cancelled.ItemsTotal));
        Assert.Null(cancelled.ReportJson);
        Assert.NotNull(cancelled.FinishedAt);
        Assert.False(File.Exists(Path.Combine(EvalJob.ReportFolder(_host.Services.GetRequiredService<FileStore>(), run.Id), "report.json")));
    }

    [Fact]
    public async Task Cancelling_through_the_job_token_ends_the_eval_cancelled()
    {
        var run = await StartAsync();
        using var token = new CancellationTokenSource();
        _host.Fake.EvalScoring = (i, _) =>
        {
            if (i != 1)
                return;
            CancelAsync(run.Id).GetAwaiter().GetResult();
            token.Cancel(); // what Hangfire does when the launcher deletes the run's job
        };

        await RunAsync(run.Id, token.Token);

        var cancelled = await _host.LoadRunAsync(run.Id);
        Assert.Equal(JobRunStatus.Cancelled, cancelled.Status);
        Assert.Equal(1, cancelled.ItemsDone);
        Assert.Null(cancelled.ReportJson);
    }

    [Fact]
    public async Task An_eval_interrupted_by_a_shutdown_continues_where_it_stopped_when_its_job_runs_again()
    {
        var run = await StartAsync();
        using var shutdown = new CancellationTokenSource();
        var scored = new List<int>();
        _host.Fake.EvalScoring = (i, _) =>
        {
            scored.Add(i);
            _time.Advance(TimeSpan.FromSeconds(1));
            if (i == 2 && !shutdown.IsCancellationRequested)
                shutdown.Cancel();
        };

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => RunAsync(run.Id, shutdown.Token));
        var interrupted = await _host.LoadRunAsync(run.Id);
        Assert.Equal(JobRunStatus.Running, interrupted.Status);
        Assert.Equal((2, 5), (interrupted.ItemsDone, interrupted.ItemsTotal));

        await RunAsync(run.Id);

        var done = await _host.LoadRunAsync(run.Id);
        Assert.Equal(JobRunStatus.Succeeded, done.Status);
        Assert.Equal((5, 5), (done.ItemsDone, done.ItemsTotal));
        // Images 0 and 1 were scored once: the second call resumed from the engine's state in the same report folder.
        Assert.Equal([0, 1, 2, 2, 3, 4], scored);
        Assert.Equal(2, _host.Fake.EvalCalls.Count);
        Assert.Equal(_host.Fake.EvalCalls[0].Request.ReportFolder, _host.Fake.EvalCalls[1].Request.ReportFolder);
    }

    [Fact]
    public async Task A_resumed_eval_run_whose_job_was_lost_gets_an_eval_job_again()
    {
        var run = await StartAsync();
        var first = run.HangfireJobId;

        var again = await _host.With(async sp =>
        {
            var db = sp.GetRequiredService<ClipSurgeryDb>();
            var stored = await db.Runs.SingleAsync(r => r.Id == run.Id);
            return sp.GetRequiredService<JobLauncher>().Requeue(stored);
        });

        Assert.NotEqual(first, again.HangfireJobId);
        using var connection = _host.Services.GetRequiredService<JobStorage>().GetConnection();
        Assert.Equal(typeof(EvalJob), connection.GetJobData(again.HangfireJobId!)!.Job.Type);
    }

    [Fact]
    public async Task A_failed_eval_records_the_engines_reason_without_the_server_path_and_can_be_retried()
    {
        var run = await StartAsync();
        Directory.Delete(_voc);

        await RunAsync(run.Id);

        var failed = await _host.LoadRunAsync(run.Id);
        Assert.Equal(JobRunStatus.Failed, failed.Status);
        Assert.Equal("voc: dataset folder not found", failed.Error);

        Directory.CreateDirectory(_voc);
        var retried = await _host.With(sp => sp.GetRequiredService<JobLauncher>().RetryAsync(_admin, run.Id));
        Assert.Equal(JobRunStatus.Queued, retried.Status);
        await RunAsync(run.Id);
        Assert.Equal(JobRunStatus.Succeeded, (await _host.LoadRunAsync(run.Id)).Status);
        var again = await Assert.ThrowsAsync<RequestRejectedException>(() => _host.With(sp => sp.GetRequiredService<JobLauncher>().RetryAsync(_admin, run.Id)));
        Assert.Contains("succeeded", again.Reason);
    }

    [Fact]
    public async Task A_member_who_is_not_an_admin_cannot_start_an_eval()
    {
        var e = await Assert.ThrowsAsync<RequestRejectedException>(() => StartAsync(who: _host.Owner));

        Assert.Equal("evaluation", e.Subject);
        Assert.Contains("only admins", e.Reason);
        Assert.Equal(0, await RunCountAsync());
    }

    [Theory]
    [InlineData("missing", "not found on the server")]
    [InlineData("../../models", "not inside the datasets folder")]
    [InlineData("/", "not inside the datasets folder")]
    public async Task A_dataset_folder_that_is_missing_or_outside_the_datasets_root_is_refused_by_its_name(string folder, string reason)
    {
        var e = await Assert.ThrowsAsync<RequestRejectedException>(() => StartAsync(folder: folder));

        Assert.Equal($"dataset folder '{folder}'", e.Subject);
        Assert.Contains(reason, e.Reason);
        Assert.Equal(0, await RunCountAsync());
    }

    [Fact]
    public async Task A_dataset_folder_is_named_relative_to_the_datasets_root_or_by_its_full_path()
    {
        var relative = await StartAsync(folder: "voc");
        var full = await StartAsync(folder: _voc);

        Assert.Equal(_voc, relative.Settings.DatasetFolder);
        Assert.Equal(_voc, full.Settings.DatasetFolder);
        Assert.Equal(JobRunKind.Evaluation, relative.Kind);
        Assert.True(relative.Shared);
    }

    [Theory]
    [InlineData("plain", "method 'plain'", "draws no label map")]
    [InlineData("single", "method 'single'", "draws no label map")]
    public async Task A_method_that_draws_no_label_map_is_refused(string method, string subject, string reason)
    {
        var e = await Assert.ThrowsAsync<RequestRejectedException>(() => StartAsync(methods: ["naclip", method]));

        Assert.Equal(subject, e.Subject);
        Assert.Contains(reason, e.Reason);
    }

    [Fact]
    public async Task An_eval_needs_an_installed_clip_model_a_method_and_a_limit_of_at_least_one()
    {
        var model = await Assert.ThrowsAsync<RequestRejectedException>(() => StartAsync(model: "no_such_model"));
        Assert.Contains("no_such_model", model.Message);
        var none = await Assert.ThrowsAsync<RequestRejectedException>(() => StartAsync(methods: []));
        Assert.Equal("methods", none.Subject);
        var limit = await Assert.ThrowsAsync<RequestRejectedException>(() => StartAsync(limit: 0));
        Assert.Equal("limit", limit.Subject);
        var side = await Assert.ThrowsAsync<RequestRejectedException>(() => StartAsync(shortSide: 8));
        Assert.Equal("short side", side.Subject);
        Assert.Equal(0, await RunCountAsync());
    }

    [Fact]
    public void The_eval_methods_are_clip_surgery_and_every_dense_method()
    {
        Assert.Equal(DenseMethod.All.Select(m => m.Method.Name).Append("cs").Order(StringComparer.Ordinal),
            EvalMethods.All.Select(m => m.Name).Order(StringComparer.Ordinal));
        Assert.DoesNotContain(MapMethod.Plain, EvalMethods.All);
    }
}
