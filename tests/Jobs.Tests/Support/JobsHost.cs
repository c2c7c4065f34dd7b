using ClipSurgeryWeb.Engine.Methods;
using ClipSurgeryWeb.Data;
using ClipSurgeryWeb.Hosting.Extensions;
using ClipSurgeryWeb.Jobs.Engine;
using ClipSurgeryWeb.Jobs.Extensions;
using ClipSurgeryWeb.Hosting.Live;
using ClipSurgeryWeb.Jobs.Running;
using ClipSurgeryWeb.Hosting.Storage;
using ClipSurgeryWeb.Tests.Fakes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace ClipSurgeryWeb.Jobs.Tests.Support;

/// <summary>
/// The jobs' services on real storage (SQLite files in a temporary folder) with no Hangfire server: tests call the jobs'
/// RunAsync directly. The engine is <see cref="FakeClipEngine"/>; give another <see cref="IClipEngine"/> to run the
/// same tests on the real engine. With <c>runServer</c>, a real in-process Hangfire server performs what the launcher
/// enqueues (for what only Hangfire does: its job token, redelivery).
/// </summary>
public sealed class JobsHost : IAsyncDisposable
{
    public const string ModelName = "clip_fake_jit";

    private readonly IHost _host;

    /// <param name="time">The clock every service reads (a FakeTimeProvider moves only when the test says); the system's by default.</param>
    /// <param name="settings">More configuration (e.g. "ClipSurgery:Jobs:InvisibilityTimeout"), over the defaults here.</param>
    public JobsHost(IClipEngine? engine = null, TimeProvider? time = null, bool runServer = false,
        IReadOnlyDictionary<string, string?>? settings = null)
    {
        Root = Directory.CreateTempSubdirectory("csw-jobs-").FullName;
        ModelsDir = Directory.CreateDirectory(Path.Combine(Root, "models")).FullName;
        File.WriteAllBytes(Path.Combine(ModelsDir, ModelName + ".pt"), [(byte)'P', (byte)'K', 3, 4, 0, 0]);
        Engine = engine ?? new FakeClipEngine();

        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = Root, EnvironmentName = "Test" });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ClipSurgery:DataDir"] = Path.Combine(Root, "data"),
            ["ClipSurgery:ModelsDir"] = ModelsDir,
            ["ClipSurgery:MaxUploadBytes"] = "200000",
            ["ClipSurgery:Jobs:RunServer"] = runServer ? "true" : "false",
        });
        if (settings is not null)
            builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddSingleton(Engine);
        if (time is not null)
            builder.Services.AddSingleton(time);
        builder.Services.AddSingleton<IJobEvents>(Events);
        builder.AddClipSurgeryData();
        builder.AddJobs();
        _host = builder.Build();
        _host.StartAsync().GetAwaiter().GetResult();
        Owner = new Requester("owner-1", "owner@example.com", IsAdmin: false);
    }

    public string Root { get; }

    public string ModelsDir { get; }

    public IClipEngine Engine { get; }

    public FakeClipEngine Fake => (FakeClipEngine)Engine;

    public RecordingJobEvents Events { get; } = new();

    public Requester Owner { get; }

    public IServiceProvider Services => _host.Services;

    public AsyncServiceScope Scope() => _host.Services.CreateAsyncScope();

    public async Task<JobRun> StartExplainAsync(IReadOnlyList<Guid> images, IReadOnlyList<string>? labels = null,
        IReadOnlyList<string>? targets = null, IReadOnlyList<string>? modes = null) =>
        await With(sp => sp.GetRequiredService<JobLauncher>().StartExplainAsync(Owner, images, ModelName, labels ?? ["cat", "sofa"],
            targets ?? [], (modes ?? ["cs", "plain"]).Select(m => new MapMethod(m)).ToList(), null, shared: true));

    public async Task<T> With<T>(Func<IServiceProvider, Task<T>> action)
    {
        await using var scope = Scope();
        return await action(scope.ServiceProvider);
    }

    public async Task<UploadedImage> UploadAsync(string name = "cat.png", int width = 40, int height = 30)
    {
        var path = Path.Combine(Root, Guid.NewGuid().ToString("N") + ".png");
        FakeClipEngine.WritePng(path, name);
        await using var scope = Scope();
        await using var stream = File.OpenRead(path);
        return await scope.ServiceProvider.GetRequiredService<ImageIntake>()
            .SaveAsync(stream, name, stream.Length, Owner.UserId, Owner.Name, CancellationToken.None);
    }

    /// <summary>Polls the run until it is finished; the timeout only turns a hang into a failure.</summary>
    public async Task<JobRun> WaitForFinishAsync(Guid runId, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var run = await LoadRunAsync(runId);
            if (run.IsFinished)
                return run;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"run {runId} is still {run.Status}: {string.Join(", ", run.Images.Select(i => i.Status))}");
            await Task.Delay(50);
        }
    }

    public async Task<JobRun> LoadRunAsync(Guid runId)
    {
        await using var scope = Scope();
        var db = scope.ServiceProvider.GetRequiredService<ClipSurgeryDb>();
        return await db.Runs.Include(r => r.Images).ThenInclude(i => i.Files).Include(r => r.Images).ThenInclude(i => i.Tokens)
            .AsSplitQuery().SingleAsync(r => r.Id == runId);
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(Root, recursive: true); }
        catch (IOException) { }
    }
}
