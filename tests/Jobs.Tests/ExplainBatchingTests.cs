using ClipSurgeryWeb.Engine.Checkpoints;
using ClipSurgeryWeb.Engine.Explaining;
using ClipSurgeryWeb.Engine.Methods;
using ClipSurgeryWeb.Engine.Pipeline;
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
/// The jobs' explain in batches: the job hands one engine call the run's images still to do (up to the engine's image
/// batch), and the real engine encodes them together yet writes each image the same files as one at a time.
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
    public async Task Explain_hands_one_engine_call_the_runs_images_still_to_do_up_to_the_engines_image_batch()
    {
        _host.Fake.ImageBatchSize = 2;
        var images = new[] { await _host.UploadAsync("a.png"), await _host.UploadAsync("b.png"), await _host.UploadAsync("c.png") };
        var run = await _host.StartExplainAsync(images.Select(i => i.Id).ToList());

        await RunAsync(run.Id);

        Assert.Equal([[images[0].Id.ToString("N"), images[1].Id.ToString("N")], [images[2].Id.ToString("N")]],
            _host.Fake.ExplainBatches.Select(b => b.Select(Path.GetFileNameWithoutExtension).ToArray()).ToArray());
        var done = await _host.LoadRunAsync(run.Id);
        Assert.Equal(JobRunStatus.Succeeded, done.Status);
        Assert.All(done.Images, i => Assert.Equal(4 + 1, i.Files.Count));
    }

    [Fact]
    public async Task A_resumed_explain_hands_the_engine_only_the_images_not_yet_done()
    {
        _host.Fake.ImageBatchSize = 3;
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
        Assert.Equal([JobImageStatus.Done, JobImageStatus.Pending, JobImageStatus.Pending], (await _host.LoadRunAsync(run.Id)).Images.OrderBy(i => i.Order).Select(i => i.Status));

        await RunAsync(run.Id);

        var resumed = _host.Fake.ExplainBatches.Skip(1).Single();
        Assert.Equal([images[1].Id.ToString("N"), images[2].Id.ToString("N")], resumed.Select(Path.GetFileNameWithoutExtension));
        Assert.Equal(JobRunStatus.Succeeded, (await _host.LoadRunAsync(run.Id)).Status);
    }

    [Fact]
    public void The_real_engine_explains_a_batch_in_one_call_and_writes_the_same_files_as_one_at_a_time()
    {
        var bad = Path.Combine(_work.FullName, "notes.png");
        File.WriteAllText(bad, "this is text, not a picture");
        string[] images = [Shared.Image("demo.jpg"), bad, Shared.Image("bwcat_cat.png"), Shared.Image("751.png"), Shared.Image("cliptestcube.png")];
        var maps = new ExplainRequest(["cat", "dog", "bench"], ["cat", "bench+dog"], null, [MapMethod.Surgery, MapMethod.Plain, MapMethod.Single]);
        var models = new EngineModels(Shared.Fixture("clip_vit_tiny_jit.pt"));
        var settings = new EngineClipEngineSettings(Path.Combine(_work.FullName, "models"), Shared.Vocab, DevicePreference.Cpu, ImageBatchSize: 3);
        var log = new RecordingLogger();
        using var batched = new EngineClipEngine(settings, log);
        using var alone = new EngineClipEngine(settings with { ImageBatchSize = 1 });
        PipelineImage Input(int i, string kind) =>
            new(i.ToString(), images[i], Directory.CreateDirectory(Path.Combine(_work.FullName, kind, i.ToString())).FullName);

        var events = new List<PipelineEvent>();
        batched.Pipeline(models).Explain(new ExplainImagesRequest([.. images.Select((_, i) => Input(i, "batched"))], maps), events.Add, default);

        for (int i = 0; i < images.Length; i++)
        {
            var own = events.Where(e => e.Image == i.ToString()).ToList();
            var aloneEvents = new List<PipelineEvent>();
            alone.Pipeline(models).Explain(new ExplainImagesRequest([Input(i, "alone")], maps), aloneEvents.Add, default);
            if (images[i] == bad)
            {
                Assert.IsType<EngineInputException>(Assert.IsType<ImageFailed>(own.Last()).Error);
                Assert.IsType<ImageFailed>(aloneEvents.Last());
                continue;
            }
            Assert.IsType<ImageFinished>(own.Last());
            var aloneDir = Path.Combine(_work.FullName, "alone", i.ToString());
            var batchedDir = Path.Combine(_work.FullName, "batched", i.ToString());
            var expected = Directory.GetFiles(aloneDir).Select(Path.GetFileName).Order().ToList();
            Assert.Equal(expected, Directory.GetFiles(batchedDir).Select(Path.GetFileName).Order());
            var announced = own.Select(e => e switch { HeatmapWritten h => h.File, FileWritten f => f.File, _ => null }).OfType<string>();
            Assert.Equal(expected, announced.Order());
            AssertSameMaps(Path.Combine(aloneDir, "maps.safetensors"), Path.Combine(batchedDir, "maps.safetensors"), images[i]);
        }

        // The five images went to the engine in one call (encoded in batches of up to 3; the bad file fails alone).
        Assert.Equal([5], log.Counts);
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
