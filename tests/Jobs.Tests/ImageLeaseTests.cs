using ClipSurgeryWeb.Data;
using ClipSurgeryWeb.Jobs.Explain;
using ClipSurgeryWeb.Hosting.Live;
using ClipSurgeryWeb.Jobs.Running;
using ClipSurgeryWeb.Jobs.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace ClipSurgeryWeb.Jobs.Tests;

/// <summary>
/// Several jobs on one run (a job handed out twice, helpers on other workers): each image is computed by the one job that
/// wins its claim, an expired claim (a killed worker) is taken over, and the run ends once.
/// </summary>
public sealed class ImageLeaseTests
{
    /// <summary>Only turns a hang into a failure; no test waits for time to pass.</summary>
    private static readonly TimeSpan SafetyTimeout = TimeSpan.FromMinutes(2);

    private static Task RunJobAsync(JobsHost host, Guid runId, CancellationToken ct = default) =>
        host.With(async sp => { await sp.GetRequiredService<ExplainJob>().RunAsync(runId, ct); return 0; });

    private static int RunEnded(JobsHost host, Guid runId) => host.Events.Events.Count(e =>
        e.RunId == runId && e.Kind == JobEventKind.RunChanged && e.RunStatus is "Succeeded" or "CompletedWithErrors" or "Failed" or "Cancelled");

    [Fact]
    public async Task Two_jobs_on_one_run_at_once_compute_each_image_once_and_end_the_run_once()
    {
        await using var host = new JobsHost();
        var images = new List<UploadedImage>();
        for (var i = 0; i < 4; i++)
            images.Add(await host.UploadAsync($"img{i}.png"));
        var run = await host.StartExplainAsync(images.Select(i => i.Id).ToList(), ["cat"], modes: ["cs"]);
        // The first job holds the first image until the second job has started another: both are then at work at once.
        var otherStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        host.Fake.Starting = (_, path, _) =>
        {
            if (path.Contains(images[0].Id.ToString("N")))
                otherStarted.Task.Wait(SafetyTimeout);
            else
                otherStarted.TrySetResult();
        };

        var firstJob = Task.Run(() => RunJobAsync(host, run.Id));
        var secondJob = Task.Run(() => RunJobAsync(host, run.Id));
        await Task.WhenAll(firstJob, secondJob).WaitAsync(SafetyTimeout);

        var done = await host.LoadRunAsync(run.Id);
        Assert.Equal(JobRunStatus.Succeeded, done.Status);
        Assert.All(images, image => Assert.Equal(1, host.Fake.CallsFor("explain", image.Id.ToString("N"))));
        Assert.All(done.Images, i => Assert.Equal(["cs_cat.png", "maps.safetensors"], i.Files.Select(f => f.FileName).Order(StringComparer.Ordinal)));
        Assert.All(done.Images, i => Assert.Null(i.ClaimedBy));
        Assert.Equal(1, RunEnded(host, run.Id));
    }

    [Fact]
    public async Task An_image_held_by_a_live_claim_is_left_to_its_holder_and_taken_over_when_the_claim_expires()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var host = new JobsHost(time: time, settings: new Dictionary<string, string?> { ["ClipSurgery:Jobs:LeaseDuration"] = "00:01:00" });
        var held = await host.UploadAsync("held.png");
        var free = await host.UploadAsync("free.png");
        var run = await host.StartExplainAsync([held.Id, free.Id], ["cat"], modes: ["cs"]);
        // A worker that claimed the first image and was then killed: its claim runs for another minute.
        await host.With(async sp =>
        {
            var db = sp.GetRequiredService<ClipSurgeryDb>();
            return await db.RunImages.Where(i => i.RunId == run.Id && i.ImageId == held.Id).ExecuteUpdateAsync(s => s
                .SetProperty(i => i.Status, JobImageStatus.Running)
                .SetProperty(i => i.ClaimedBy, "killed-worker:1:00000000")
                .SetProperty(i => i.LeaseUntil, time.GetUtcNow().UtcDateTime.AddMinutes(1)));
        });

        var job = Task.Run(() => RunJobAsync(host, run.Id));
        // The free image is done while the held one waits for its holder.
        var deadline = DateTime.UtcNow + SafetyTimeout;
        while ((await host.LoadRunAsync(run.Id)).Images.Single(i => i.ImageId == free.Id).Status != JobImageStatus.Done)
        {
            Assert.True(DateTime.UtcNow < deadline, "the free image was never done");
            await Task.Delay(20);
        }
        Assert.Equal(0, host.Fake.CallsFor("explain", held.Id.ToString("N")));
        Assert.False(job.IsCompleted);

        // The claim expires (the holder never renewed it): the waiting job takes the image over and ends the run.
        while (!job.IsCompleted)
        {
            Assert.True(DateTime.UtcNow < deadline, "the expired claim was never taken over");
            time.Advance(TimeSpan.FromSeconds(15));
            await Task.Delay(20);
        }
        await job;

        var done = await host.LoadRunAsync(run.Id);
        Assert.Equal(JobRunStatus.Succeeded, done.Status);
        Assert.Equal(1, host.Fake.CallsFor("explain", held.Id.ToString("N")));
        Assert.Equal(1, host.Fake.CallsFor("explain", free.Id.ToString("N")));
        Assert.Equal(1, RunEnded(host, run.Id));
    }

    [Fact]
    public async Task A_claim_is_won_by_one_holder_renewed_only_by_it_and_lost_to_another_once_expired()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var host = new JobsHost(time: time, settings: new Dictionary<string, string?> { ["ClipSurgery:Jobs:LeaseDuration"] = "00:01:00" });
        var image = await host.UploadAsync();
        var run = await host.StartExplainAsync([image.Id], ["cat"], modes: ["cs"]);
        var itemId = run.Images.Single().Id;
        await using var scopeA = host.Scope();
        await using var scopeB = host.Scope();
        var a = scopeA.ServiceProvider.GetRequiredService<ImageLeases>();
        var b = scopeB.ServiceProvider.GetRequiredService<ImageLeases>();

        Assert.NotEqual(a.Holder, b.Holder);
        Assert.True(a.TryClaim(itemId));
        Assert.False(b.TryClaim(itemId));
        Assert.True(a.TryClaim(itemId));
        time.Advance(TimeSpan.FromSeconds(50));
        a.RenewIfDue(itemId);
        time.Advance(TimeSpan.FromSeconds(50));
        Assert.False(b.TryClaim(itemId));

        time.Advance(TimeSpan.FromSeconds(61));
        Assert.True(b.TryClaim(itemId));
        var lost = Assert.Throws<LeaseLostException>(() => a.RenewIfDue(itemId));
        Assert.Equal(itemId, lost.JobImageId);
        a.Release(itemId);
        Assert.Equal(b.Holder, (await host.LoadRunAsync(run.Id)).Images.Single().ClaimedBy);
        b.Release(itemId);
        Assert.Null((await host.LoadRunAsync(run.Id)).Images.Single().ClaimedBy);
    }

    [Fact]
    public async Task A_finished_image_or_a_cancelled_run_cannot_be_claimed()
    {
        await using var host = new JobsHost();
        var image = await host.UploadAsync();
        var run = await host.StartExplainAsync([image.Id], ["cat"], modes: ["cs"]);
        await RunJobAsync(host, run.Id);
        var again = await host.StartExplainAsync([image.Id], ["cat"], modes: ["cs"]);
        await host.With(sp => sp.GetRequiredService<ClipSurgeryDb>().Runs.Where(r => r.Id == again.Id)
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.CancelRequested, true)));

        await using var scope = host.Scope();
        var leases = scope.ServiceProvider.GetRequiredService<ImageLeases>();
        Assert.False(leases.TryClaim(run.Images.Single().Id));
        Assert.False(leases.TryClaim(again.Images.Single().Id));
    }

    [Fact]
    public async Task A_job_handed_out_again_while_it_still_runs_does_not_compute_its_images_twice()
    {
        // Hangfire.Storage.SQLite hands a fetched job out again after its invisibility timeout, even while it runs (no
        // sliding timeout): 2 s here, and two GPU workers, so the second delivery runs beside the first.
        await using var host = new JobsHost(runServer: true, settings: new Dictionary<string, string?>
        {
            ["ClipSurgery:Jobs:InvisibilityTimeout"] = "00:00:02",
            ["ClipSurgery:Jobs:GpuWorkers"] = "2",
        });
        var slow = await host.UploadAsync("slow.png");
        var next = await host.UploadAsync("next.png");
        // The first delivery holds the first image until the second delivery has done the other one.
        var nextDone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        host.Fake.Starting = (_, path, _) =>
        {
            if (path.Contains(slow.Id.ToString("N")))
                nextDone.Task.Wait(SafetyTimeout);
        };
        host.Fake.Finishing = (_, path) =>
        {
            if (path.Contains(next.Id.ToString("N")))
                nextDone.TrySetResult();
        };
        var run = await host.StartExplainAsync([slow.Id, next.Id], ["cat"], modes: ["cs"]);

        var done = await host.WaitForFinishAsync(run.Id, SafetyTimeout);

        Assert.True(nextDone.Task.IsCompleted);
        Assert.Equal(JobRunStatus.Succeeded, done.Status);
        Assert.Equal(1, host.Fake.CallsFor("explain", slow.Id.ToString("N")));
        Assert.Equal(1, host.Fake.CallsFor("explain", next.Id.ToString("N")));
        Assert.Equal(1, RunEnded(host, run.Id));
    }
}
