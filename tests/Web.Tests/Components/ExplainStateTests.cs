using ClipSurgeryWeb.Jobs.Live;
using ClipSurgeryWeb.Web.Live;
using ClipSurgeryWeb.Web.State;
using ClipSurgeryWeb.Web.Tests.Support;
using Hangfire;
using Hangfire.Common;
using Hangfire.States;
using Microsoft.AspNetCore.Components.Forms;
using Microsoft.Extensions.DependencyInjection;

namespace ClipSurgeryWeb.Web.Tests.Components;

public sealed class ExplainStateTests : ComponentTestContext
{
    public ExplainStateTests() => Services.AddSingleton<IBackgroundJobClient, AcceptingJobClient>();

    [Fact]
    public async Task A_burst_of_live_updates_reloads_the_run_once_off_the_publishers_thread()
    {
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
        state.Changed += () => Interlocked.Increment(ref changes);
        var updates = Services.GetRequiredService<LiveUpdates>();

        for (var i = 0; i < 20; i++)
            updates.Publish(new JobEvent { Kind = JobEventKind.ImageProgress, RunId = runId, OwnerId = "member-1", Progress = i / 20.0 });

        Assert.Equal(0, Volatile.Read(ref changes));
        await Task.Delay(ExplainState.RefreshDelay * 6);
        Assert.Equal(1, Volatile.Read(ref changes));
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
