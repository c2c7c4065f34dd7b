using ClipSurgeryWeb.Engine.Methods;
using ClipSurgeryWeb.Data;
using ClipSurgeryWeb.Jobs.Explain;
using ClipSurgeryWeb.Hosting.Live;
using ClipSurgeryWeb.Jobs.Running;
using ClipSurgeryWeb.Hosting.Storage;
using ClipSurgeryWeb.Jobs.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace ClipSurgeryWeb.Jobs.Tests;

public sealed class ExplainJobTests : IAsyncLifetime
{
    /// <summary>Only turns a hang into a failure; no test waits for time to pass.</summary>
    private static readonly TimeSpan SafetyTimeout = TimeSpan.FromMinutes(2);

    private readonly JobsHost _host = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private Task RunAsync(Guid runId, CancellationToken ct = default) =>
        _host.With(async sp => { await sp.GetRequiredService<ExplainJob>().RunAsync(runId, ct); return 0; });

    [Fact]
    public async Task Explain_records_a_heatmap_for_every_mode_and_target_and_announces_each_file()
    {
        var image = await _host.UploadAsync();
        var run = await _host.StartExplainAsync([image.Id], ["cat", "sofa"], ["cat", "cat+sofa"]);

        await RunAsync(run.Id);

        var done = await _host.LoadRunAsync(run.Id);
        Assert.Equal(JobRunStatus.Succeeded, done.Status);
        var files = done.Images.Single().Files;
        Assert.Equal(["cs_cat+sofa.png", "cs_cat.png", "maps.safetensors", "plain_cat+sofa.png", "plain_cat.png"],
            files.Select(f => f.FileName).Order(StringComparer.Ordinal));
        Assert.All(files.Where(f => f.Kind == "heatmap"), f => Assert.True(f.SizeBytes > 0));
        Assert.Equal(MapMethod.Surgery, files.Single(f => f.FileName == "cs_cat+sofa.png").Mode);
        Assert.Equal("cat+sofa", files.Single(f => f.FileName == "cs_cat+sofa.png").Label);
        var store = _host.Services.GetRequiredService<FileStore>();
        Assert.True(File.Exists(store.ResultPath(run.Id, done.Images[0].Id, "cs_cat.png")));
        Assert.Equal(5, _host.Events.Events.Count(e => e.Kind == JobEventKind.FileReady && e.RunId == run.Id));
    }

    [Fact]
    public async Task A_hidden_temporary_file_left_by_an_interrupted_write_is_not_recorded_as_a_result()
    {
        var image = await _host.UploadAsync();
        var run = await _host.StartExplainAsync([image.Id], ["cat"], ["cat"], ["cs"]);
        _host.Fake.Finishing = (_, _) =>
        {
            var dir = Directory.EnumerateDirectories(Path.Combine(_host.Root, "data", "results", run.Id.ToString("N"))).Single();
            File.WriteAllText(Path.Combine(dir, $".cs_cat.png.tmp-{Guid.NewGuid():N}"), "half a png");
        };

        await RunAsync(run.Id);

        var files = (await _host.LoadRunAsync(run.Id)).Images.Single().Files;
        Assert.Equal(["cs_cat.png", "maps.safetensors"], files.Select(f => f.FileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_failing_images_reason_names_the_members_file_not_the_stored_upload()
    {
        var bad = await _host.UploadAsync("holiday photo.png");
        _host.Fake.FailuresNamingTheFile[bad.Id.ToString("N")] = "damaged or truncated image data";
        var run = await _host.StartExplainAsync([bad.Id]);

        await RunAsync(run.Id);

        var failed = (await _host.LoadRunAsync(run.Id)).Images.Single();
        Assert.Equal("holiday photo.png: damaged or truncated image data", failed.Error);
    }

    [Fact]
    public async Task A_failing_image_records_its_reason_and_the_run_goes_on_with_the_next()
    {
        var bad = await _host.UploadAsync("bad.png");
        var good = await _host.UploadAsync("good.png");
        _host.Fake.Failures[bad.Id.ToString("N")] = "cannot be decoded";
        var run = await _host.StartExplainAsync([bad.Id, good.Id]);

        await RunAsync(run.Id);

        var done = await _host.LoadRunAsync(run.Id);
        Assert.Equal(JobRunStatus.CompletedWithErrors, done.Status);
        var failed = done.Images.Single(i => i.ImageId == bad.Id);
        Assert.Equal(JobImageStatus.Failed, failed.Status);
        Assert.Equal("image: cannot be decoded", failed.Error);
        Assert.Equal(JobImageStatus.Done, done.Images.Single(i => i.ImageId == good.Id).Status);
        Assert.Equal("1 of 2 images failed", done.Error);
    }

    [Fact]
    public async Task Running_a_run_again_skips_its_finished_images()
    {
        var first = await _host.UploadAsync("first.png");
        var second = await _host.UploadAsync("second.png");
        var run = await _host.StartExplainAsync([first.Id, second.Id]);
        await RunAsync(run.Id);

        // As if the job were delivered twice (Hangfire may run a job again after a crash or timeout).
        await RunAsync(run.Id);

        Assert.Equal(1, _host.Fake.CallsFor("explain", first.Id.ToString("N")));
        Assert.Equal(1, _host.Fake.CallsFor("explain", second.Id.ToString("N")));
        Assert.Equal(JobRunStatus.Succeeded, (await _host.LoadRunAsync(run.Id)).Status);
    }

    [Fact]
    public async Task A_shutdown_mid_image_leaves_the_image_pending_for_the_next_worker()
    {
        var image = await _host.UploadAsync();
        var run = await _host.StartExplainAsync([image.Id]);
        // At the first of four heatmaps: deterministic, where a timer could fire late on a busy machine.
        using var shutdown = new CancellationTokenSource();
        _host.Fake.Writing = _ => shutdown.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => RunAsync(run.Id, shutdown.Token));

        var interrupted = await _host.LoadRunAsync(run.Id);
        Assert.Equal(JobRunStatus.Running, interrupted.Status);
        Assert.Equal(JobImageStatus.Pending, interrupted.Images.Single().Status);

        _host.Fake.Writing = null;
        await RunAsync(run.Id);
        Assert.Equal(JobRunStatus.Succeeded, (await _host.LoadRunAsync(run.Id)).Status);
    }

    [Fact]
    public async Task A_shutdown_right_as_an_image_finishes_keeps_that_image_done_and_the_next_pending()
    {
        var first = await _host.UploadAsync("first.png");
        var second = await _host.UploadAsync("second.png");
        var run = await _host.StartExplainAsync([first.Id, second.Id]);
        using var shutdown = new CancellationTokenSource();
        _host.Fake.Finishing = (_, path) =>
        {
            if (path.Contains(first.Id.ToString("N")))
                shutdown.Cancel();
        };

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => RunAsync(run.Id, shutdown.Token));

        var interrupted = await _host.LoadRunAsync(run.Id);
        Assert.Equal(JobImageStatus.Done, interrupted.Images.Single(i => i.ImageId == first.Id).Status);
        Assert.Equal(JobImageStatus.Pending, interrupted.Images.Single(i => i.ImageId == second.Id).Status);
        _host.Fake.Finishing = null;
        await RunAsync(run.Id);
        Assert.Equal(1, _host.Fake.CallsFor("explain", first.Id.ToString("N")));
        Assert.Equal(JobRunStatus.Succeeded, (await _host.LoadRunAsync(run.Id)).Status);
    }

    [Fact]
    public async Task Cancelling_a_running_run_stops_it_and_keeps_finished_images()
    {
        // A real Hangfire server performs the job: the cancel reaches the running image through Hangfire's token.
        await using var host = new JobsHost(runServer: true);
        var first = await host.UploadAsync("first.png");
        var second = await host.UploadAsync("second.png");
        // The engine holds at the start of the second image until the cancel reaches its token: the first is done, the
        // second running, however slow the machine. (Waiting for the first to show done raced the second to its end.)
        var secondStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var sawCancel = false;
        host.Fake.Starting = (_, path, ct) =>
        {
            if (!path.Contains(second.Id.ToString("N")))
                return;
            secondStarted.TrySetResult();
            sawCancel = ct.WaitHandle.WaitOne(SafetyTimeout);
        };
        var run = await host.StartExplainAsync([first.Id, second.Id], ["cat", "sofa", "dog"], modes: ["cs"]);

        await secondStarted.Task.WaitAsync(SafetyTimeout);
        Assert.Equal(JobImageStatus.Done, (await host.LoadRunAsync(run.Id)).Images.Single(i => i.ImageId == first.Id).Status);
        await host.With(async sp => { await sp.GetRequiredService<JobLauncher>().CancelAsync(host.Owner, run.Id); return 0; });
        var cancelled = await host.WaitForFinishAsync(run.Id, SafetyTimeout);

        Assert.True(sawCancel, "the engine's token was never cancelled");
        Assert.Equal(JobRunStatus.Cancelled, cancelled.Status);
        Assert.Equal(JobImageStatus.Done, cancelled.Images.Single(i => i.ImageId == first.Id).Status);
        Assert.Equal(JobImageStatus.Cancelled, cancelled.Images.Single(i => i.ImageId == second.Id).Status);
        Assert.NotEmpty(cancelled.Images.Single(i => i.ImageId == first.Id).Files);
        Assert.Empty(cancelled.Images.Single(i => i.ImageId == second.Id).Files);
    }

    [Fact]
    public async Task Retry_runs_only_the_failed_images_again()
    {
        var bad = await _host.UploadAsync("bad.png");
        var good = await _host.UploadAsync("good.png");
        _host.Fake.Failures[bad.Id.ToString("N")] = "temporarily unreadable";
        var run = await _host.StartExplainAsync([bad.Id, good.Id]);
        await RunAsync(run.Id);
        _host.Fake.Failures.Clear();

        await _host.With(sp => sp.GetRequiredService<JobLauncher>().RetryAsync(_host.Owner, run.Id));
        await RunAsync(run.Id);

        Assert.Equal(JobRunStatus.Succeeded, (await _host.LoadRunAsync(run.Id)).Status);
        Assert.Equal(2, _host.Fake.CallsFor("explain", bad.Id.ToString("N")));
        Assert.Equal(1, _host.Fake.CallsFor("explain", good.Id.ToString("N")));
    }

    [Fact]
    public async Task Another_member_cannot_cancel_a_run_and_nothing_changes()
    {
        var image = await _host.UploadAsync();
        var run = await _host.StartExplainAsync([image.Id]);
        var stranger = new Requester("someone-else", "else@example.com", IsAdmin: false);

        var refused = await Assert.ThrowsAsync<RequestRejectedException>(() =>
            _host.With(async sp => { await sp.GetRequiredService<JobLauncher>().CancelAsync(stranger, run.Id); return 0; }));

        Assert.Equal("only its owner or an admin may change it", refused.Reason);
        var unchanged = await _host.LoadRunAsync(run.Id);
        Assert.Equal(JobRunStatus.Queued, unchanged.Status);
        Assert.False(unchanged.CancelRequested);
    }
}
