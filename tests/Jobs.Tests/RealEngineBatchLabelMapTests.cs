using ClipSurgeryWeb.Data;
using ClipSurgeryWeb.Engine.Checkpoints;
using ClipSurgeryWeb.Engine.Evaluation;
using ClipSurgeryWeb.Engine.Hosting;
using ClipSurgeryWeb.Engine.Labelling;
using ClipSurgeryWeb.Engine.Methods;
using ClipSurgeryWeb.Engine.Tests.Support;
using ClipSurgeryWeb.Hosting.Storage;
using ClipSurgeryWeb.Jobs.Batch;
using ClipSurgeryWeb.Jobs.Engine;
using ClipSurgeryWeb.Jobs.Running;
using ClipSurgeryWeb.Jobs.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using SixLabors.ImageSharp;

namespace ClipSurgeryWeb.Jobs.Tests;

/// <summary>
/// The issue's "the same mode is on Explain and in batches", on the real engine (the tiny ViT fixture): a batch of three
/// images through the launcher and <see cref="BatchJob"/> (opinions, runall, then the label maps) gives each image its
/// heatmaps over its own targets and, per chosen method, a label map overlay whose stored shares are its own palette
/// PNG's class counts, and a labels.safetensors whose predictions are those PNGs. <see cref="RealEngineLabelMapTests"/> checks the same rows for Explain; the fake
/// engine's batch test (<see cref="LabelMapRunTests"/>) checks the step's order from made-up files.
/// </summary>
public sealed class RealEngineBatchLabelMapTests : IAsyncLifetime
{
    private const string Vit = "clip_vit_tiny_jit";

    /// <summary>CLIP Surgery and two dense methods, in the registry's drawing order.</summary>
    private static readonly MapMethod[] Methods =
        [.. new[] { MapMethod.Surgery, DenseMethod.Naclip.Method, DenseMethod.Sclip.Method }.OrderBy(MapMethods.Order)];

    /// <summary>Named classes: a batch's own targets come from the tiny model's opinions, which need not repeat a word.</summary>
    private static readonly string[] Classes = ["person", "bench", "tree", "sky"];

    /// <summary>Two images of one size (their label maps compare pixel for pixel) and one of another.</summary>
    private static readonly string[] Samples = ["demo.jpg", "bwcat_cat.png", "bwcat_dog.png"];

    private readonly JobsHost _host;

    public RealEngineBatchLabelMapTests()
    {
        var engineFolder = Directory.CreateTempSubdirectory("real-batch-labels-engine-").FullName;
        _host = new JobsHost(new EngineClipEngine(new EngineClipEngineSettings(engineFolder, Shared.Vocab, DevicePreference.Cpu)),
            settings: new Dictionary<string, string?> { ["ClipSurgery:MaxUploadBytes"] = "2000000" });
        File.Copy(Shared.Fixture("clip_vit_tiny_jit.pt"), Path.Combine(_host.ModelsDir, Vit + ".pt"));
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        ((IDisposable)_host.Engine).Dispose();
    }

    private async Task<UploadedImage> UploadAsync(string sample)
    {
        await using var scope = _host.Scope();
        await using var stream = File.OpenRead(Shared.Image(sample));
        return await scope.ServiceProvider.GetRequiredService<ImageIntake>()
            .SaveAsync(stream, sample, stream.Length, _host.Owner.UserId, _host.Owner.Name, CancellationToken.None);
    }

    [Fact]
    public async Task A_batch_of_three_images_gives_each_its_own_label_maps_per_method_whose_shares_are_their_pngs_counts()
    {
        var images = new List<UploadedImage>();
        foreach (var sample in Samples)
            images.Add(await UploadAsync(sample));
        // Asked in another order and by another word: the run keeps the registry's drawing order.
        var choice = new LabelMapChoice([DenseMethod.Naclip.Method, new MapMethod("SCLIP"), MapMethod.Surgery], Classes);
        var run = await _host.With(sp => sp.GetRequiredService<JobLauncher>().StartBatchAsync(_host.Owner, [.. images.Select(i => i.Id)],
            Vit, null, 20, shared: true, labelMaps: choice));

        await _host.With(async sp => { await sp.GetRequiredService<BatchJob>().RunAsync(run.Id, default); return 0; });

        var done = await _host.LoadRunAsync(run.Id);
        foreach (var item in done.Images)
            Assert.True(JobImageStatus.Done == item.Status, $"image {item.Order} is {item.Status}: {item.Error}");
        Assert.Equal(JobRunStatus.Succeeded, done.Status);
        Assert.Equal(Methods, done.Settings.LabelMethods);
        Assert.Equal(Classes, done.Settings.Classes);
        var store = _host.Services.GetRequiredService<FileStore>();

        // Per image, per method: the image's prediction (pred bytes) and its shares, to compare across the images.
        var predictions = new Dictionary<(int Image, MapMethod Method), byte[]>();
        var sharesOf = new Dictionary<(int Image, MapMethod Method), double[]>();
        var items = done.Images.OrderBy(i => i.Order).ToList();
        Assert.Equal(Samples.Length, items.Count);
        for (var n = 0; n < items.Count; n++)
        {
            var item = items[n];
            string PathOf(ResultFile f) => store.ResultPath(run.Id, item.Id, f.FileName);
            // The run's zip packs every stored row's file under the image's folder: each label-map row's file is on disk.
            var labelRows = item.Files.Where(f => f.Kind is ResultKinds.LabelMap or ResultKinds.LabelIds or "labelmaps").ToList();
            Assert.Equal(2 * Methods.Length + 1, labelRows.Count);
            Assert.All(labelRows, f => Assert.True(File.Exists(PathOf(f)), $"{Samples[n]}: {f.FileName} is not stored"));

            // Beside the label maps, the batch's own heatmaps: CLIP Surgery's over the image's targets, the tokens its
            // opinion counted three times or more (the opinion's seed is the run's own: the targets are read, not known).
            var targets = item.Tokens.Where(t => t.Frequency >= BatchJob.MinTargetCount).Select(t => t.Token).Order(StringComparer.Ordinal);
            Assert.Equal(targets, item.Files.Where(f => f.Kind == ResultKinds.Heatmap && f.Mode == MapMethod.Surgery).Select(f => f.Label!)
                .Order(StringComparer.Ordinal));
            var labelsFile = Assert.Single(item.Files, f => f.Kind == "labelmaps");
            Assert.Equal(LabelMapWriter.MapsFile, labelsFile.FileName);
            using var labelMaps = StateDict.Load(PathOf(labelsFile));
            Assert.Equal(Methods.SelectMany(m => new[] { LabelMapWriter.PredKey(m), LabelMapWriter.ProbsKey(m) }).Order(StringComparer.Ordinal),
                labelMaps.Keys.Order(StringComparer.Ordinal));
            foreach (var method in Methods)
            {
                var overlay = Assert.Single(item.Files, f => f.Kind == ResultKinds.LabelMap && f.Mode == method);
                var palette = Assert.Single(item.Files, f => f.Kind == ResultKinds.LabelIds && f.Mode == method);
                Assert.Equal((LabelMapWriter.OverlayPng(method), LabelMapWriter.LabelPng(method)), (overlay.FileName, palette.FileName));
                var ids = LabelPng.Read(PathOf(palette));
                // At the methods' short side 336: demo.jpg (500×375) is 448×336, the 224×224 cats 336×336.
                Assert.Equal(n == 0 ? (448, 336) : (336, 336), (ids.Width, ids.Height));
                // The overlay is the map over the image, at its width (a legend may lie below it).
                Assert.Equal(ids.Width, Image.Identify(PathOf(overlay)).Width);

                var shares = LabelShares.Read(overlay.SharesJson);
                Assert.Equal(Classes, shares.Select(s => s.Name));
                Assert.Equal([0, 1, 2, 3], shares.Select(s => s.ClassId));
                Assert.Equal(1.0, shares.Sum(s => s.Share), 9);
                Assert.Equal(ids.Values.Length, ids.Values.Count(v => v < Classes.Length));
                var counted = Enumerable.Range(0, Classes.Length).Select(c => (double)ids.Values.Count(v => v == c) / ids.Values.Length).ToArray();
                Assert.Equal(counted, shares.Select(s => s.Share).ToArray(), (a, b) => Math.Abs(a - b) < 1e-12);

                var pred = labelMaps[LabelMapWriter.PredKey(method)];
                Assert.Equal([(long)ids.Height, ids.Width], pred.shape);
                var stored = pred.data<byte>().ToArray();
                Assert.Equal(ids.Values, stored);
                predictions[(n, method)] = stored;
                sharesOf[(n, method)] = counted;
            }
        }

        // Each image has its own label maps: the two cats (one size) differ pixel for pixel, and no two images share
        // one method's class shares.
        foreach (var method in Methods)
        {
            Assert.False(predictions[(1, method)].SequenceEqual(predictions[(2, method)]),
                $"{method.Name}: the cat's and the dog's label maps are the same");
            var distinct = Enumerable.Range(0, items.Count).Select(n => string.Join(",", sharesOf[(n, method)].Select(s => s.ToString("R"))))
                .Distinct().Count();
            Assert.True(distinct == items.Count, $"{method.Name}: two images have the same class shares");
        }
    }
}
