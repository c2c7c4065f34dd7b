using ClipSurgeryWeb.Hosting.Live;
using ClipSurgeryWeb.Hosting.Options;
using ClipSurgeryWeb.Tests.Fakes;
using ClipSurgeryWeb.Web.Live;
using ClipSurgeryWeb.Web.Tests.Support;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ClipSurgeryWeb.Web.Tests.Integration;

/// <summary>
/// Progress, finished heatmaps and new records reach members over SignalR, from local and remote workers. No test waits
/// for time to pass: they wait for events, and a negative ("never arrives") is settled by a marker event sent after it.
/// </summary>
public sealed class LiveUpdateTests : IDisposable
{
    private readonly FakeClipEngine _engine = new();
    private readonly ClipSurgeryAppFactory _factory;

    public LiveUpdateTests() => _factory = ClipSurgeryAppFactory.Fresh(_engine);

    public void Dispose()
    {
        _factory.Dispose();
        _factory.DeleteFiles();
    }

    [Fact]
    public async Task Each_heatmap_progress_tick_and_new_record_reaches_a_member_while_the_run_goes_on()
    {
        using var client = await AppClient.LoginAsync(_factory);
        await using var hub = client.Hub();
        var received = await AppClient.CollectAsync(hub);
        var image = await client.UploadImageAsync();
        // The engine writes each heatmap only once the member has the previous one's event: events are pushed as they
        // happen, not gathered until the run ends.
        string? previous = null;
        _engine.Writing = name =>
        {
            if (previous is { } p)
                received.WaitForAsync($"FileReady {p}", e => e.Kind == JobEventKind.FileReady && e.FileName == p).GetAwaiter().GetResult();
            previous = name;
        };

        var explain = await client.StartAsync("explain", new
        {
            imageIds = new[] { image }, model = ClipSurgeryAppFactory.ModelName, labels = new[] { "cat", "sofa" },
        });
        await received.WaitForAsync("explain's end", e => e.Kind == JobEventKind.RunChanged && e.RunId == explain && e.RunStatus == "Succeeded");
        var opinions = await client.StartAsync("opinions", new { imageIds = new[] { image }, model = ClipSurgeryAppFactory.ModelName, iterations = 50 });
        await received.WaitForAsync("opinions' end", e => e.Kind == JobEventKind.RunChanged && e.RunId == opinions && e.RunStatus == "Succeeded");

        // Everything a run publishes before its final status has arrived with it.
        var events = received.Events;
        Assert.Equal(4, events.Count(e => e.Kind == JobEventKind.FileReady && e.RunId == explain && e.FileName!.EndsWith(".png")));
        Assert.Contains(events, e => e.Kind == JobEventKind.ImageProgress && e.RunId == opinions && e.Loss is not null);
        Assert.Contains(events, e => e.Kind == JobEventKind.RecordsChanged && e.Message == "incomprehensibilities photographically");
        Assert.Equal("Succeeded", (await client.GetRunAsync(explain))!.Status);
    }

    [Fact]
    public async Task A_private_runs_new_records_reach_its_owner_but_not_another_member()
    {
        await _factory.CreateMemberAsync("member@example.com");
        using var admin = await AppClient.LoginAsync(_factory);
        using var member = await AppClient.LoginAsync(_factory, "member@example.com", ClipSurgeryAppFactory.MemberPassword);
        await using var adminHub = admin.Hub();
        await using var memberHub = member.Hub();
        var toAdmin = await AppClient.CollectAsync(adminHub);
        var toMember = await AppClient.CollectAsync(memberHub);
        var image = await admin.UploadImageAsync();

        var run = await admin.StartAsync("opinions", new { imageIds = new[] { image }, model = ClipSurgeryAppFactory.ModelName, iterations = 20, shared = false });
        await admin.WaitForFinishAsync(run);
        await toAdmin.WaitForAsync("the private run's records", e => e.Kind == JobEventKind.RecordsChanged && e.RunId == run);
        await MarkerReachesAsync(toMember);

        Assert.DoesNotContain(toMember.Events, e => e.RunId == run);
    }

    [Fact]
    public async Task A_shared_runs_new_records_reach_another_member_live()
    {
        await _factory.CreateMemberAsync("member@example.com");
        using var admin = await AppClient.LoginAsync(_factory);
        using var member = await AppClient.LoginAsync(_factory, "member@example.com", ClipSurgeryAppFactory.MemberPassword);
        await using var memberHub = member.Hub();
        var toMember = await AppClient.CollectAsync(memberHub);
        var image = await admin.UploadImageAsync();

        var run = await admin.StartAsync("opinions", new { imageIds = new[] { image }, model = ClipSurgeryAppFactory.ModelName, iterations = 20, shared = true });

        await toMember.WaitForAsync("the shared run's records",
            e => e.Kind == JobEventKind.RecordsChanged && e.RunId == run && e.Message == "incomprehensibilities photographically");
    }

    [Fact]
    public async Task A_remote_workers_progress_reaches_members_through_the_hub()
    {
        using var client = await AppClient.LoginAsync(_factory);
        await using var hub = client.Hub();
        var received = await AppClient.CollectAsync(hub);
        var worker = RemoteWorker(ClipSurgeryAppFactory.WorkerKey, new FailureLog());
        await worker.StartAsync(CancellationToken.None);

        worker.Publish(new JobEvent { Kind = JobEventKind.RecordsChanged, Message = "from-another-machine" });

        await received.WaitForAsync("the worker's event", e => e.Message == "from-another-machine");
        await worker.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task A_worker_with_the_wrong_key_cannot_publish()
    {
        using var client = await AppClient.LoginAsync(_factory);
        await using var hub = client.Hub();
        var received = await AppClient.CollectAsync(hub);
        var log = new FailureLog();
        var worker = RemoteWorker("wrong-key", log);
        await worker.StartAsync(CancellationToken.None);

        worker.Publish(new JobEvent { Kind = JobEventKind.RecordsChanged, Message = "forged" });

        // The hub refused the worker (it retries, and is refused again, until stopped).
        var refusal = await log.FirstFailure.WaitAsync(HubInbox.SafetyTimeout);
        Assert.Contains("401", refusal.ToString());
        await worker.StopAsync(CancellationToken.None);
        await MarkerReachesAsync(received);
        Assert.DoesNotContain(received.Events, e => e.Message == "forged");
    }

    /// <summary>
    /// Sends an event every member sees, after everything published so far, and waits until it is in: anything sent to
    /// that connection before it has then arrived too.
    /// </summary>
    private async Task MarkerReachesAsync(HubInbox inbox)
    {
        var marker = Guid.NewGuid();
        _factory.Services.GetRequiredService<LiveUpdates>().Publish(new JobEvent { Kind = JobEventKind.RunChanged, RunId = marker, Shared = true });
        await inbox.WaitForAsync("the marker", e => e.RunId == marker);
    }

    private HubClientJobEvents RemoteWorker(string key, FailureLog log)
    {
        var options = Microsoft.Extensions.Options.Options.Create(new ClipSurgeryOptions
        {
            Jobs = new JobServerOptions { HubUrl = "http://localhost/hubs/live", WorkerKey = key },
        });
        return new HubClientJobEvents(options, log, o =>
        {
            o.Transports = HttpTransportType.LongPolling;
            o.HttpMessageHandlerFactory = _ => _factory.Server.CreateHandler();
        });
    }

    /// <summary>The worker's log: completes with the first failure to send it reports.</summary>
    private sealed class FailureLog : ILogger<HubClientJobEvents>
    {
        private readonly TaskCompletionSource<Exception> _failure = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task<Exception> FirstFailure => _failure.Task;

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (logLevel >= LogLevel.Warning && exception is not null)
                _failure.TrySetResult(exception);
        }
    }
}
