using ClipSurgeryWeb.Jobs.Live;
using ClipSurgeryWeb.Jobs.Options;
using ClipSurgeryWeb.Tests.Fakes;
using ClipSurgeryWeb.Web.Tests.Support;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.Extensions.Logging.Abstractions;

namespace ClipSurgeryWeb.Web.Tests.Integration;

/// <summary>Progress, finished heatmaps and new records reach members over SignalR, from local and remote workers.</summary>
public sealed class LiveUpdateTests : IDisposable
{
    private readonly FakeClipEngine _engine = new() { StepDelay = TimeSpan.FromMilliseconds(50) };
    private readonly ClipSurgeryAppFactory _factory;

    public LiveUpdateTests() => _factory = ClipSurgeryAppFactory.Fresh(_engine);

    public void Dispose()
    {
        _factory.Dispose();
        _factory.DeleteFiles();
    }

    [Fact]
    public async Task Each_heatmap_progress_tick_and_new_record_reaches_a_member_within_a_second()
    {
        using var client = await AppClient.LoginAsync(_factory);
        await using var hub = client.Hub();
        var received = await AppClient.CollectAsync(hub);
        var image = await client.UploadImageAsync();

        var explain = await client.StartAsync("explain", new
        {
            imageIds = new[] { image }, model = ClipSurgeryAppFactory.ModelName, labels = new[] { "cat", "sofa" },
        });
        await client.WaitForFinishAsync(explain);
        var opinions = await client.StartAsync("opinions", new { imageIds = new[] { image }, model = ClipSurgeryAppFactory.ModelName, iterations = 50 });
        await client.WaitForFinishAsync(opinions);
        await Task.Delay(500);

        List<(JobEvent Event, DateTime ReceivedAt)> events;
        lock (received) events = received.ToList();
        Assert.Equal(4, events.Count(e => e.Event.Kind == JobEventKind.FileReady && e.Event.RunId == explain && e.Event.FileName!.EndsWith(".png")));
        Assert.Contains(events, e => e.Event.Kind == JobEventKind.ImageProgress && e.Event.RunId == opinions && e.Event.Loss is not null);
        Assert.Contains(events, e => e.Event.Kind == JobEventKind.RecordsChanged && e.Event.Message == "incomprehensibilities photographically");
        Assert.Contains(events, e => e.Event.Kind == JobEventKind.RunChanged && e.Event.RunId == explain && e.Event.RunStatus == "Succeeded");
        Assert.All(events, e => Assert.True(e.ReceivedAt - e.Event.At < TimeSpan.FromSeconds(1),
            $"{e.Event.Kind} took {(e.ReceivedAt - e.Event.At).TotalMilliseconds} ms"));
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
        await WaitUntilAsync(() => { lock (toAdmin) return toAdmin.Any(e => e.Event.Kind == JobEventKind.RecordsChanged); });
        await Task.Delay(500);

        lock (toMember) Assert.DoesNotContain(toMember, e => e.Event.RunId == run);
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
        await admin.WaitForFinishAsync(run);

        await WaitUntilAsync(() =>
        {
            lock (toMember) return toMember.Any(e => e.Event.Kind == JobEventKind.RecordsChanged && e.Event.Message == "incomprehensibilities photographically");
        });
    }

    [Fact]
    public async Task A_remote_workers_progress_reaches_members_through_the_hub()
    {
        using var client = await AppClient.LoginAsync(_factory);
        await using var hub = client.Hub();
        var received = await AppClient.CollectAsync(hub);
        var worker = RemoteWorker(ClipSurgeryAppFactory.WorkerKey);
        await worker.StartAsync(CancellationToken.None);

        worker.Publish(new JobEvent { Kind = JobEventKind.RecordsChanged, Message = "from-another-machine" });

        await WaitUntilAsync(() => { lock (received) return received.Any(e => e.Event.Message == "from-another-machine"); });
        await worker.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task A_worker_with_the_wrong_key_cannot_publish()
    {
        using var client = await AppClient.LoginAsync(_factory);
        await using var hub = client.Hub();
        var received = await AppClient.CollectAsync(hub);
        var worker = RemoteWorker("wrong-key");
        await worker.StartAsync(CancellationToken.None);

        worker.Publish(new JobEvent { Kind = JobEventKind.RecordsChanged, Message = "forged" });
        await Task.Delay(1500);

        lock (received) Assert.DoesNotContain(received, e => e.Event.Message == "forged");
        await worker.StopAsync(CancellationToken.None);
    }

    private HubClientJobEvents RemoteWorker(string key)
    {
        var options = Microsoft.Extensions.Options.Options.Create(new ClipSurgeryOptions
        {
            Jobs = new JobServerOptions { HubUrl = "http://localhost/hubs/live", WorkerKey = key },
        });
        return new HubClientJobEvents(options, NullLogger<HubClientJobEvents>.Instance, o =>
        {
            o.Transports = HttpTransportType.LongPolling;
            o.HttpMessageHandlerFactory = _ => _factory.Server.CreateHandler();
        });
    }

    private static async Task WaitUntilAsync(Func<bool> condition, int timeoutMs = 10_000)
    {
        var deadline = DateTime.UtcNow.AddMilliseconds(timeoutMs);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "not received in time");
            await Task.Delay(50);
        }
    }
}
