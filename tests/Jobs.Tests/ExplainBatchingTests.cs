using ClipSurgeryWeb.Engine.Checkpoints;
using ClipSurgeryWeb.Engine.Hosting;
using ClipSurgeryWeb.Engine.Tests.Support;
using ClipSurgeryWeb.Data;
using ClipSurgeryWeb.Jobs.Engine;
using ClipSurgeryWeb.Jobs.Explain;
using ClipSurgeryWeb.Jobs.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ClipSurgeryWeb.Jobs.Tests;

/// <summary>
/// The jobs' explain in batches: the job tells each image's engine call the images still to come, and the real engine
/// encodes them together yet writes each image's files in that image's own call, the same files as one at a time.
/// </summary>
public sealed class ExplainBatchingTests : IAsyncLifetime
{
    private readonly JobsHost _host = new();
    private readonly DirectoryInfo _work = Directory.CreateTempSubdirectory("explain-batching-");

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        _work.Delete(recursive: true);
    }

    private Task RunAsync(Guid runId, CancellationToken ct = default) =>
        _host.With(async sp => { await sp.GetRequiredService<ExplainJob>().RunAsync(runId, ct); return 0; });

    [Fact]
    public async Task Explain_tells_each_images_call_the_runs_images_still_to_come_in_order()
    {
        var images = new[] { await _host.UploadAsync("a.png"), await _host.UploadAsync("b.png"), await _host.UploadAsync("c.png") };
        var run = await _host.StartExplainAsync(images.Select(i => i.Id).ToList());

        await RunAsync(run.Id);

        var calls = _host.Fake.ExplainNextImages;
        Assert.Equal(3, calls.Count);
        for (int i = 0; i < 3; i++)
        {
            Assert.Contains(images[i].Id.ToString("N"), calls[i].ImagePath);
            Assert.Equal(images.Skip(i + 1).Select(x => x.Id.ToString("N")), calls[i].NextImages.Select(p => Path.GetFileNameWithoutExtension(p)));
        }
        Assert.Equal(JobRunStatus.Succeeded, (await _host.LoadRunAsync(run.Id)).Status);
    }

    [Fact]
    public async Task A_resumed_explain_names_only_the_images_not_yet_done_as_next()
    {
        var images = new[] { await _host.UploadAsync("a.png"), await _host.UploadAsync("b.png"), await _host.UploadAsync("c.png") };
        var run = await _host.StartExplainAsync(images.Select(i => i.Id).ToList());
        using var shutdown = new CancellationTokenSource();
        _host.Fake.Finishing = (_, path) =>
        {
            if (path.Contains(images[0].Id.ToString("N")))
                shutdown.Cancel();
        };
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => RunAsync(run.Id, shutdown.Token));
        _host.Fake.Finishing = null;

        await RunAsync(run.Id);

        var resumed = _host.Fake.ExplainNextImages.Skip(1).ToList();
        Assert.Equal(2, resumed.Count);
        Assert.Contains(images[1].Id.ToString("N"), resumed[0].ImagePath);
        Assert.Equal([images[2].Id.ToString("N")], resumed[0].NextImages.Select(p => Path.GetFileNameWithoutExtension(p)));
        Assert.Empty(resumed[1].NextImages);
        Assert.Equal(JobRunStatus.Succeeded, (await _host.LoadRunAsync(run.Id)).Status);
    }

    [Fact]
    public void The_real_engine_explains_the_next_images_in_one_batch_and_writes_the_same_files_as_one_at_a_time()
    {
        var bad = Path.Combine(_work.FullName, "notes.png");
        File.WriteAllText(bad, "this is text, not a picture");
        string[] images = [Shared.Image("demo.jpg"), bad, Shared.Image("bwcat_cat.png"), Shared.Image("751.png"), Shared.Image("cliptestcube.png")];
        var spec = new ExplainSpec(Shared.Fixture("clip_vit_tiny_jit.pt"), ["cat", "dog", "bench"], ["cat", "bench+dog"], null, ["cs", "plain", "single"]);
        var settings = new EngineClipEngineSettings(Path.Combine(_work.FullName, "models"), Shared.Vocab, DevicePreference.Cpu, ImageBatchSize: 3);
        var log = new RecordingLogger();
        using var batched = new EngineClipEngine(settings, log);
        using var alone = new EngineClipEngine(settings with { ImageBatchSize = 1 });

        for (int i = 0; i < images.Length; i++)
        {
            var announced = new List<string>();
            var batchedDir = Path.Combine(_work.FullName, "batched", i.ToString());
            var aloneDir = Path.Combine(_work.FullName, "alone", i.ToString());
            if (images[i] == bad)
            {
                Assert.Throws<EngineInputException>(() => batched.Explain(spec, images[i], images[(i + 1)..], batchedDir, announced.Add, default));
                Assert.Throws<EngineInputException>(() => alone.Explain(spec, images[i], aloneDir, _ => { }, default));
                continue;
            }
            batched.Explain(spec, images[i], images[(i + 1)..], batchedDir, announced.Add, default);
            alone.Explain(spec, images[i], aloneDir, _ => { }, default);

            var expected = Directory.GetFiles(aloneDir).Select(Path.GetFileName).Order().ToList();
            Assert.Equal(expected, Directory.GetFiles(batchedDir).Select(Path.GetFileName).Order());
            Assert.Equal(expected, announced.Order());
            AssertSameMaps(Path.Combine(aloneDir, "maps.safetensors"), Path.Combine(batchedDir, "maps.safetensors"), images[i]);
        }

        // One ExplainMany for demo, the bad file and bwcat_cat (the bad file fails in its own call, which decodes it first
        // and leaves the batch's other explanation waiting), then one for 751 and cliptestcube; bwcat_cat and
        // cliptestcube are written from the batch made in an earlier call.
        Assert.Equal([3, 2], log.Counts);
    }

    private static void AssertSameMaps(string expectedPath, string actualPath, string what)
    {
        using var expected = StateDict.Load(expectedPath);
        using var actual = StateDict.Load(actualPath);
        Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
        foreach (var key in expected.Keys)
        {
            if (key.StartsWith("point", StringComparison.Ordinal))
            {
                Assert.Equal(expected[key].data<long>().ToArray(), actual[key].data<long>().ToArray());
                continue;
            }
            var (e, a) = (expected[key].data<float>().ToArray(), actual[key].data<float>().ToArray());
            Assert.Equal(e.Length, a.Length);
            var worst = e.Zip(a, (x, y) => Math.Abs(x - y)).Max();
            Assert.True(worst <= 1e-5, $"{what} {key}: max abs {worst:E2}");
        }
    }

    /// <summary>The "Count" of every "Explained … in one call" line the engine logs.</summary>
    private sealed class RecordingLogger : ILogger<EngineClipEngine>
    {
        public List<int> Counts { get; } = [];

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (state is IReadOnlyList<KeyValuePair<string, object?>> values && values.FirstOrDefault(v => v.Key == "Count").Value is int count)
                Counts.Add(count);
        }
    }
}
