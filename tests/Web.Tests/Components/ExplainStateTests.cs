using ClipSurgeryWeb.Hosting.Live;
using ClipSurgeryWeb.Web.Live;
using ClipSurgeryWeb.Web.State;
using ClipSurgeryWeb.Web.Tests.Support;
using Hangfire;
using Hangfire.Common;
using Hangfire.States;
using Microsoft.AspNetCore.Components.Forms;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace ClipSurgeryWeb.Web.Tests.Components;

public sealed class ExplainStateTests : ComponentTestContext
{
    public ExplainStateTests() => Services.AddSingleton<IBackgroundJobClient, AcceptingJobClient>();

    /// <summary>Only turns a hang into a failure: the test moves time itself.</summary>
    private static readonly TimeSpan SafetyTimeout = TimeSpan.FromMinutes(1);

    [Fact]
    public async Task A_burst_of_live_updates_reloads_the_run_once_when_its_window_ends_off_the_publishers_thread()
    {
        var time = new CountingTimeProvider();
        Services.AddSingleton<TimeProvider>(time);
        EnsureDatabase();
        var state = Services.GetRequiredService<ExplainState>();
        await Services.GetRequiredService<LiveFeed>().StartAsync();
        await state.UploadAsync([new PngFile("cat.png")], 100_000);
        state.Initialize();
        state.AddLabels("cat");
        await state.RunAsync("");
        Assert.Empty(state.Errors);
        var runId = state.Run!.Id;
        var changes = 0;
        var reloaded = new[] { new TaskCompletionSource(), new TaskCompletionSource() };
        state.Changed += () =>
        {
            var n = Interlocked.Increment(ref changes);
            if (n <= reloaded.Length)
                reloaded[n - 1].TrySetResult();
        };
        var updates = Services.GetRequiredService<LiveUpdates>();
        var timersBefore = time.Timers;

        for (var i = 0; i < 20; i++)
            updates.Publish(new JobEvent { Kind = JobEventKind.ImageProgress, RunId = runId, OwnerId = "member-1", Progress = i / 20.0 });

        // Publishing only started one timer for the window: nothing was reloaded on the publisher's thread.
        Assert.Equal(0, Volatile.Read(ref changes));
        Assert.Equal(1, time.Timers - timersBefore);
        time.Advance(ExplainState.RefreshDelay - TimeSpan.FromTicks(1));
        Assert.Equal(0, Volatile.Read(ref changes));
        time.Advance(TimeSpan.FromTicks(1));
        await reloaded[0].Task.WaitAsync(SafetyTimeout);
        Assert.Equal(1, Volatile.Read(ref changes));

        // The next update opens a new window.
        updates.Publish(new JobEvent { Kind = JobEventKind.ImageProgress, RunId = runId, OwnerId = "member-1", Progress = 1 });
        Assert.Equal(2, time.Timers - timersBefore);
        time.Advance(ExplainState.RefreshDelay);
        await reloaded[1].Task.WaitAsync(SafetyTimeout);
        Assert.Equal(2, Volatile.Read(ref changes));
    }

    /// <summary>Fake time that counts the timers started on it (Task.Delay on a TimeProvider starts one).</summary>
    private sealed class CountingTimeProvider : FakeTimeProvider
    {
        private int _timers;

        public int Timers => Volatile.Read(ref _timers);

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            Interlocked.Increment(ref _timers);
            return base.CreateTimer(callback, state, dueTime, period);
        }
    }

    [Fact]
    public async Task The_same_picture_uploaded_twice_is_listed_once()
    {
        EnsureDatabase();
        var state = Services.GetRequiredService<ExplainState>();

        await state.UploadAsync([new PngFile("cat.png")], 100_000);
        await state.UploadAsync([new PngFile("cat.png"), new PngFile("dog.png")], 100_000);

        Assert.Equal(["cat.png", "dog.png"], state.Uploads.Select(u => u.FileName));
        Assert.Empty(state.Errors);
    }

    private sealed class PngFile(string name) : IBrowserFile
    {
        private readonly byte[] _bytes = TestImages.Png(name);
        public string Name => name;
        public DateTimeOffset LastModified => DateTimeOffset.UtcNow;
        public long Size => _bytes.Length;
        public string ContentType => "image/png";
        public Stream OpenReadStream(long maxAllowedSize = 512000, CancellationToken cancellationToken = default) => new MemoryStream(_bytes);
    }

    /// <summary>Takes the job and does nothing with it: the test plays the worker by publishing updates itself.</summary>
    private sealed class AcceptingJobClient : IBackgroundJobClient
    {
        public string Create(Job job, IState state) => "1";

        public bool ChangeState(string jobId, IState state, string expectedState) => true;
    }
}
