using ClipSurgeryWeb.Data;
using ClipSurgeryWeb.Engine.Checkpoints;
using ClipSurgeryWeb.Engine.Evaluation;
using ClipSurgeryWeb.Engine.Hosting;
using ClipSurgeryWeb.Engine.Labelling;
using ClipSurgeryWeb.Engine.Methods;
using ClipSurgeryWeb.Engine.Tests.Support;
using ClipSurgeryWeb.Hosting.Storage;
using ClipSurgeryWeb.Jobs.Engine;
using ClipSurgeryWeb.Jobs.Explain;
using ClipSurgeryWeb.Jobs.Models;
using ClipSurgeryWeb.Jobs.Running;
using ClipSurgeryWeb.Jobs.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using SixLabors.ImageSharp;

namespace ClipSurgeryWeb.Jobs.Tests;

/// <summary>
/// Explain with label maps on the real engine (the tiny ViT fixture), the "four methods side by side": through
/// the launcher and <see cref="ExplainJob"/>, each chosen method gives a heatmap row per label, a label map overlay whose
/// stored pixel shares are the palette PNG's own class counts, a palette PNG whose ids are the stored
/// <c>&lt;method&gt;.pred</c>, and <c>&lt;method&gt;.probs</c> whose best class is that prediction. The fake engine's tests
/// check the same rows from made-up files; these check that what the real engine writes fits them. The dense methods
/// on the tiny ResNet fixture are refused by the launcher, named, as the real engine's listing tells the tower.
/// </summary>
public sealed class RealEngineLabelMapTests : IAsyncLifetime
{
    private const string Vit = "clip_vit_tiny_jit";
    private const string ResNet = "clip_rn_tiny";

    private static readonly MapMethod[] Four =
        [MapMethod.Surgery, DenseMethod.Naclip.Method, DenseMethod.Sclip.Method, DenseMethod.ClipDense.Method];

    private static readonly string[] Labels = ["person", "bench", "tree", "sky"];

    private readonly JobsHost _host;

    public RealEngineLabelMapTests()
    {
        var engineFolder = Directory.CreateTempSubdirectory("real-labels-engine-").FullName;
        _host = new JobsHost(new EngineClipEngine(new EngineClipEngineSettings(engineFolder, Shared.Vocab, DevicePreference.Cpu)),
            settings: new Dictionary<string, string?> { ["ClipSurgery:MaxUploadBytes"] = "2000000" });
        File.Copy(Shared.Fixture("clip_vit_tiny_jit.pt"), Path.Combine(_host.ModelsDir, Vit + ".pt"));
        File.Copy(Shared.Fixture("clip_rn_tiny_state_dict.pt"), Path.Combine(_host.ModelsDir, ResNet + ".pt"));
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

    private Task<JobRun> StartAsync(string model, Guid image, IReadOnlyList<MapMethod> modes, LabelMapChoice labelMaps) =>
        _host.With(sp => sp.GetRequiredService<JobLauncher>().StartExplainAsync(_host.Owner, [image], model, Labels, [], modes, null,
            shared: true, labelMaps: labelMaps));

    [Fact]
    public async Task Four_methods_give_their_heatmaps_and_label_maps_whose_shares_pngs_and_stored_predictions_agree()
    {
        var image = await UploadAsync("demo.jpg");
        // Asked in another order and by other words: the run keeps the registry's drawing order.
        var run = await StartAsync(Vit, image.Id, [.. Four.Reverse()], new LabelMapChoice([DenseMethod.ClipDense.Method, new MapMethod("NACLIP"), MapMethod.Surgery, DenseMethod.Sclip.Method]));

        await _host.With(async sp => { await sp.GetRequiredService<ExplainJob>().RunAsync(run.Id, default); return 0; });

        var done = await _host.LoadRunAsync(run.Id);
        var item = done.Images.Single();
        Assert.True(JobImageStatus.Done == item.Status, $"the image is {item.Status}: {item.Error}");
        Assert.Equal(JobRunStatus.Succeeded, done.Status);
        var order = Four.OrderBy(MapMethods.Order).ToList();
        Assert.Equal(order, done.Settings.LabelMethods);
        var store = _host.Services.GetRequiredService<FileStore>();
        string PathOf(ResultFile f) => store.ResultPath(run.Id, item.Id, f.FileName);

        // Heatmaps: one row per method and label, each a picture at the image's size, and maps.safetensors keys <method>.<label>.
        var heatmaps = item.Files.Where(f => f.Kind == ResultKinds.Heatmap).ToList();
        Assert.Equal(Four.Length * Labels.Length, heatmaps.Count);
        foreach (var method in Four)
        {
            Assert.Equal(Labels.Order(StringComparer.Ordinal), heatmaps.Where(f => f.Mode == method).Select(f => f.Label!).Order(StringComparer.Ordinal));
            foreach (var heatmap in heatmaps.Where(f => f.Mode == method))
            {
                var info = Image.Identify(PathOf(heatmap));
                Assert.Equal((500, 375), (info.Width, info.Height));
            }
        }
        var mapsFile = Assert.Single(item.Files, f => f.Kind == "maps");
        using (var maps = StateDict.Load(PathOf(mapsFile)))
        {
            var expected = Four.SelectMany(m => Labels.Select(l => $"{m.Name}.{l}")).Order(StringComparer.Ordinal);
            Assert.Equal(expected, maps.Keys.Where(k => !k.StartsWith("point", StringComparison.Ordinal)).Order(StringComparer.Ordinal));
        }

        // Label maps: per method an overlay row with the shares and a palette row; labels.safetensors holds pred and probs.
        var labelsFile = Assert.Single(item.Files, f => f.Kind == "labelmaps");
        Assert.Equal(LabelMapWriter.MapsFile, labelsFile.FileName);
        using var labelMaps = StateDict.Load(PathOf(labelsFile));
        Assert.Equal(order.SelectMany(m => new[] { LabelMapWriter.PredKey(m), LabelMapWriter.ProbsKey(m) }).Order(StringComparer.Ordinal),
            labelMaps.Keys.Order(StringComparer.Ordinal));
        var predictions = new List<byte[]>();
        foreach (var method in order)
        {
            var overlay = Assert.Single(item.Files, f => f.Kind == ResultKinds.LabelMap && f.Mode == method);
            var palette = Assert.Single(item.Files, f => f.Kind == ResultKinds.LabelIds && f.Mode == method);
            Assert.Equal((LabelMapWriter.OverlayPng(method), LabelMapWriter.LabelPng(method)), (overlay.FileName, palette.FileName));
            var ids = LabelPng.Read(PathOf(palette));
            // demo.jpg (500×375) at the methods' short side 336: the label map is the resized input's size.
            Assert.Equal((448, 336), (ids.Width, ids.Height));
            Assert.Equal(ids.Width, Image.Identify(PathOf(overlay)).Width);

            var shares = LabelShares.Read(overlay.SharesJson);
            Assert.Equal(Labels, shares.Select(s => s.Name));
            Assert.Equal([0, 1, 2, 3], shares.Select(s => s.ClassId));
            Assert.Equal(1.0, shares.Sum(s => s.Share), 9);
            var counted = Enumerable.Range(0, Labels.Length).Select(c => (double)ids.Values.Count(v => v == c) / ids.Values.Length).ToArray();
            Assert.Equal(ids.Values.Length, ids.Values.Count(v => v < Labels.Length));
            Assert.Equal(counted, shares.Select(s => s.Share).ToArray(), (a, b) => Math.Abs(a - b) < 1e-12);

            var pred = labelMaps[LabelMapWriter.PredKey(method)];
            Assert.Equal([336L, 448L], pred.shape);
            var stored = pred.data<byte>().ToArray();
            Assert.Equal(ids.Values, stored);
            var probs = labelMaps[LabelMapWriter.ProbsKey(method)];
            Assert.Equal([(long)Labels.Length, 336L, 448L], probs.shape);
            var p = probs.data<float>().ToArray();
            var plane = ids.Values.Length;
            // The predicted class is the best one at every pixel (a tie may go to either of the tied classes).
            var notBest = Enumerable.Range(0, plane).Count(i =>
                Enumerable.Range(0, Labels.Length).Max(c => p[c * plane + i]) > p[stored[i] * plane + i]);
            Assert.True(notBest == 0, $"{method.Name}: {notBest} pixels whose predicted class is not their best");
            Assert.True(p.All(float.IsFinite), $"{method.Name}: a probability is not finite");
            predictions.Add(stored);
        }
        // Four methods, four label maps: none is another's copy.
        Assert.Equal(order.Count, predictions.Select(Convert.ToBase64String).Distinct().Count());
    }

    [Fact]
    public async Task The_dense_methods_on_the_tiny_ResNet_are_refused_by_name_and_CLIP_Surgerys_label_maps_are_taken()
    {
        var model = await _host.With(sp => Task.FromResult(sp.GetRequiredService<ModelsFolder>().RequireClip(ResNet)));
        Assert.True(model.IsResNet, "the real engine's listing tells the ResNet fixture's tower");
        var image = await UploadAsync("bwcat_cat.png");

        var refused = await Assert.ThrowsAsync<RequestRejectedException>(() =>
            StartAsync(ResNet, image.Id, [MapMethod.Surgery], new LabelMapChoice([MapMethod.Surgery, DenseMethod.Naclip.Method])));
        Assert.Equal("label maps: method 'NACLIP'", refused.Subject);
        Assert.Contains($"{ResNet} is a ResNet", refused.Reason);
        var heatmapsRefused = await Assert.ThrowsAsync<RequestRejectedException>(() =>
            StartAsync(ResNet, image.Id, [MapMethod.Surgery, DenseMethod.ClipDense.Method], LabelMapChoice.None));
        Assert.Contains(DenseMethod.ClipDense.Method.DisplayName, heatmapsRefused.Subject);
        Assert.Contains("needs a ViT CLIP", heatmapsRefused.Reason);

        // CLIP Surgery's label maps need no ViT: the launcher takes them (the run is queued, its choice stored).
        var run = await StartAsync(ResNet, image.Id, [MapMethod.Surgery], new LabelMapChoice([MapMethod.Surgery]));
        Assert.Equal([MapMethod.Surgery], (await _host.LoadRunAsync(run.Id)).Settings.LabelMethods);
    }
}
