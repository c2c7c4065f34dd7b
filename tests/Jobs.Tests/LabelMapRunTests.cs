using ClipSurgeryWeb.Data;
using ClipSurgeryWeb.Engine.Methods;
using ClipSurgeryWeb.Hosting.Storage;
using ClipSurgeryWeb.Jobs.Batch;
using ClipSurgeryWeb.Jobs.Explain;
using ClipSurgeryWeb.Jobs.Running;
using ClipSurgeryWeb.Jobs.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace ClipSurgeryWeb.Jobs.Tests;

/// <summary>
/// Label maps beside an Explain run's heatmaps and a batch's: after the maps, each chosen method's label map becomes two
/// rows (the overlay with the classes' pixel shares as the engine said them, the palette PNG), labels.safetensors a
/// third, and the image is done only when its label maps are.
/// </summary>
public sealed class LabelMapRunTests : IAsyncLifetime
{
    private readonly JobsHost _host = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private Task<JobRun> StartAsync(Guid image, LabelMapChoice labelMaps, IReadOnlyList<string>? labels = null) =>
        _host.With(sp => sp.GetRequiredService<JobLauncher>().StartExplainAsync(_host.Owner, [image], JobsHost.ModelName,
            labels ?? ["cat", "sofa", "hat"], [], [MapMethod.Surgery, DenseMethod.Naclip.Method], null, shared: true, labelMaps: labelMaps));

    private Task RunExplainAsync(Guid runId) =>
        _host.With(async sp => { await sp.GetRequiredService<ExplainJob>().RunAsync(runId, default); return 0; });

    /// <summary>Each class's share of a palette PNG's pixels, counted here from the file (ids are its grey levels).</summary>
    private static double[] CountShares(string path, int classes)
    {
        using var image = Image.Load<L8>(path);
        var counts = new double[classes];
        image.ProcessPixelRows(rows =>
        {
            for (var y = 0; y < rows.Height; y++)
            {
                foreach (var pixel in rows.GetRowSpan(y))
                    counts[pixel.PackedValue]++;
            }
        });
        return counts.Select(c => c / (image.Width * image.Height)).ToArray();
    }

    [Fact]
    public async Task Each_label_method_gives_an_overlay_row_with_the_shares_of_its_label_map_and_a_palette_row()
    {
        var image = await _host.UploadAsync();
        var run = await StartAsync(image.Id, new LabelMapChoice([DenseMethod.Naclip.Method, MapMethod.Surgery, DenseMethod.Sclip.Method]));

        await RunExplainAsync(run.Id);

        var done = await _host.LoadRunAsync(run.Id);
        var item = done.Images.Single();
        Assert.Equal(JobImageStatus.Done, item.Status);
        Assert.Equal([MapMethod.Surgery, DenseMethod.Sclip.Method, DenseMethod.Naclip.Method], done.Settings.LabelMethods);
        var overlays = item.Files.Where(f => f.Kind == ResultKinds.LabelMap).OrderBy(f => MapMethods.Order(f.Mode!.Value)).ToList();
        Assert.Equal(done.Settings.LabelMethods, overlays.Select(f => f.Mode!.Value));
        var store = _host.Services.GetRequiredService<FileStore>();
        foreach (var overlay in overlays)
        {
            var method = overlay.Mode!.Value;
            Assert.Equal($"labels_{method.Name}.png", overlay.FileName);
            var palette = Assert.Single(item.Files, f => f.Kind == ResultKinds.LabelIds && f.Mode == method);
            var shares = LabelShares.Read(overlay.SharesJson);
            Assert.Equal(["cat", "sofa", "hat"], shares.Select(s => s.Name));
            Assert.Equal([0, 1, 2], shares.Select(s => s.ClassId));
            var counted = CountShares(store.ResultPath(run.Id, item.Id, palette.FileName), 3);
            Assert.Equal(counted, shares.Select(s => s.Share).ToArray(), (a, b) => Math.Abs(a - b) < 1e-12);
            Assert.Null(palette.SharesJson);
        }
        // The methods' label maps differ (the fake shifts its stripes per method), so a row is not another's copy.
        Assert.NotEqual(overlays[0].SharesJson, overlays[1].SharesJson);
        Assert.Single(item.Files, f => f.Kind == "labelmaps" && f.FileName == "labels.safetensors");
        Assert.Equal(6, item.Files.Count(f => f.Kind == ResultKinds.Heatmap));
        var calls = _host.Fake.Calls.Select(c => c.Method).ToList();
        Assert.Equal(["explain", "labels"], calls);
    }

    [Fact]
    public async Task Every_dense_method_of_the_registry_draws_heatmaps_through_the_explain_path()
    {
        var dense = MapMethods.All.OfType<DenseMethod>().Select(m => m.Method).ToList();
        var image = await _host.UploadAsync();
        var run = await _host.With(sp => sp.GetRequiredService<JobLauncher>().StartExplainAsync(_host.Owner, [image.Id], JobsHost.ModelName,
            ["cat", "sofa"], [], [MapMethod.Surgery, .. dense], null, shared: true));

        await RunExplainAsync(run.Id);

        var item = (await _host.LoadRunAsync(run.Id)).Images.Single();
        Assert.Equal([MapMethod.Surgery, .. dense], _host.Fake.ExplainSpecs.Single().Modes);
        foreach (var method in dense)
        {
            Assert.Equal(["cat", "sofa"], item.Files.Where(f => f.Kind == ResultKinds.Heatmap && f.Mode == method).Select(f => f.Label!).Order(StringComparer.Ordinal));
        }
        Assert.Single(item.Files, f => f.Kind == "maps");
    }

    [Fact]
    public async Task A_run_without_label_methods_draws_no_label_map()
    {
        var image = await _host.UploadAsync();
        var run = await StartAsync(image.Id, LabelMapChoice.None);

        await RunExplainAsync(run.Id);

        var item = (await _host.LoadRunAsync(run.Id)).Images.Single();
        Assert.Equal(JobImageStatus.Done, item.Status);
        Assert.DoesNotContain(item.Files, f => f.Kind is ResultKinds.LabelMap or ResultKinds.LabelIds or "labelmaps");
        Assert.Equal(["explain"], _host.Fake.Calls.Select(c => c.Method));
    }

    [Fact]
    public async Task Named_classes_with_a_background_are_the_label_maps_classes_and_are_stored_on_the_run()
    {
        var image = await _host.UploadAsync();
        var choice = new LabelMapChoice([DenseMethod.Naclip.Method], ["person, people", "  ", "sky"], Background: true, Threshold: 0.3,
            Pamr: true, ShortSide: 224);
        var run = await StartAsync(image.Id, choice);

        await RunExplainAsync(run.Id);

        var done = await _host.LoadRunAsync(run.Id);
        Assert.Equal(["person, people", "sky"], done.Settings.Classes);
        Assert.Equal((true, 0.3, true, 224), (done.Settings.Background, done.Settings.Threshold, done.Settings.Pamr, done.Settings.ShortSide));
        var overlay = Assert.Single(done.Images.Single().Files, f => f.Kind == ResultKinds.LabelMap);
        Assert.Equal(["background", "person", "sky"], LabelShares.Read(overlay.SharesJson).Select(s => s.Name));
    }

    [Fact]
    public async Task An_image_whose_label_maps_fail_fails_with_the_reason_and_keeps_its_heatmaps()
    {
        _host.Fake.Failures["labels:"] = "the label maps broke";
        var image = await _host.UploadAsync();
        var run = await StartAsync(image.Id, new LabelMapChoice([MapMethod.Surgery]));

        await RunExplainAsync(run.Id);

        var item = (await _host.LoadRunAsync(run.Id)).Images.Single();
        Assert.Equal(JobImageStatus.Failed, item.Status);
        Assert.Contains("the label maps broke", item.Error);
        Assert.Equal(6, item.Files.Count(f => f.Kind == ResultKinds.Heatmap));
    }

    [Fact]
    public async Task A_batch_draws_label_maps_over_each_images_targets_unless_classes_are_named()
    {
        var image = await _host.UploadAsync();
        var run = await _host.With(sp => sp.GetRequiredService<JobLauncher>().StartBatchAsync(_host.Owner, [image.Id], JobsHost.ModelName,
            null, 20, shared: true, labelMaps: new LabelMapChoice([DenseMethod.Sclip.Method])));

        await _host.With(async sp => { await sp.GetRequiredService<BatchJob>().RunAsync(run.Id, default); return 0; });

        var done = await _host.LoadRunAsync(run.Id);
        Assert.Equal(JobRunStatus.Succeeded, done.Status);
        var overlay = Assert.Single(done.Images.Single().Files, f => f.Kind == ResultKinds.LabelMap);
        Assert.Equal(DenseMethod.Sclip.Method, overlay.Mode);
        // The batch's targets: the opinion's tokens counted three times or more (cat ×5, whiskers ×3).
        Assert.Equal(["cat", "whiskers"], LabelShares.Read(overlay.SharesJson).Select(s => s.Name));
        Assert.Equal(["opinions", "explain", "explain", "labels"], _host.Fake.Calls.Select(c => c.Method));
    }
}
