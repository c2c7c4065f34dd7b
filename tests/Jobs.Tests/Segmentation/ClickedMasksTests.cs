using ClipSurgeryWeb.Data;
using ClipSurgeryWeb.Engine.Explaining;
using ClipSurgeryWeb.Engine.Methods;
using ClipSurgeryWeb.Engine.Points;
using ClipSurgeryWeb.Engine.Segmentation;
using ClipSurgeryWeb.Engine.Storage;
using ClipSurgeryWeb.Hosting.Live;
using ClipSurgeryWeb.Hosting.Options;
using ClipSurgeryWeb.Hosting.Storage;
using ClipSurgeryWeb.Jobs.Explain;
using ClipSurgeryWeb.Jobs.Running;
using ClipSurgeryWeb.Jobs.Segmentation;
using ClipSurgeryWeb.Jobs.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace ClipSurgeryWeb.Jobs.Tests.Segmentation;

/// <summary>Saving a clicked SAM mask into a run: files and rows as the jobs write them, and only by the run's owner or an admin.</summary>
public sealed class ClickedMasksTests : IAsyncLifetime
{
    private readonly JobsHost _host = new();
    private readonly Requester _teammate = new("member-2", "member2@example.com", IsAdmin: false);
    private readonly Requester _admin = new("admin-1", "admin@example.com", IsAdmin: true);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private ClickedMasks Masks => new(_host.Services.GetRequiredService<IDbContextFactory<ClipSurgeryDb>>(), _host.Services.GetRequiredService<FileStore>(),
        _host.Events, TimeProvider.System, _host.Services.GetRequiredService<IOptions<ClipSurgeryOptions>>());

    private async Task<(JobRun Run, JobImage Image)> FinishedRunAsync(bool shared = true)
    {
        var upload = await _host.UploadAsync();
        var run = await _host.With(sp => sp.GetRequiredService<JobLauncher>().StartExplainAsync(_host.Owner, [upload.Id], JobsHost.ModelName,
            ["cat", "sofa"], [], [MapMethod.Surgery], null, shared));
        await _host.With(async sp => { await sp.GetRequiredService<ExplainJob>().RunAsync(run.Id, CancellationToken.None); return 0; });
        var done = await _host.LoadRunAsync(run.Id);
        return (done, done.Images.Single());
    }

    private static SegmentResult HalfMask(SamImage image, int points = 3)
    {
        var mask = new byte[image.Width * image.Height];
        for (var i = 0; i < mask.Length / 2; i++)
            mask[i] = 1;
        var prompt = new SamPrompt(Enumerable.Range(0, points).Select(k => (k, k)).ToArray(), Enumerable.Repeat(1, points).ToArray());
        return new SegmentResult(SamSessions.ClickedTarget, prompt, mask, 0.9f, image.Height, image.Width);
    }

    [Fact]
    public async Task Saving_writes_mask_and_overlay_into_the_run_with_rows_and_live_updates()
    {
        var (run, item) = await FinishedRunAsync();
        var image = (await Masks.FindAsync(_host.Owner, run.Id, item.Id))!;
        Assert.True(image.CanSave);

        var rows = await Masks.SaveAsync(_host.Owner, image, HalfMask(image), name: null);
        var again = await Masks.SaveAsync(_host.Owner, image, HalfMask(image, points: 1), name: "  my sofa  ");

        Assert.Equal(["mask_clicked-1.png", "overlay_clicked-1.png"], rows.Select(r => r.FileName));
        Assert.Equal(["mask_clicked-2.png", "overlay_clicked-2.png"], again.Select(r => r.FileName));
        Assert.All(rows, r => Assert.Equal("clicked: 3 points", r.Label));
        Assert.All(again, r => Assert.Equal("my sofa", r.Label));
        var stored = (await _host.LoadRunAsync(run.Id)).Images.Single().Files;
        Assert.Equal(["mask", "overlay"], stored.Where(f => f.Label == "clicked: 3 points").Select(f => f.Kind).Order());
        var store = _host.Services.GetRequiredService<FileStore>();
        using (var mask = Image.Load<L8>(store.ResultPath(run.Id, item.Id, "mask_clicked-1.png")))
        {
            Assert.Equal((image.Width, image.Height), (mask.Width, mask.Height));
            Assert.Equal(255, mask[0, 0].PackedValue);
            Assert.Equal(0, mask[image.Width - 1, image.Height - 1].PackedValue);
        }
        using (var overlay = Image.Load<Rgb24>(store.ResultPath(run.Id, item.Id, "overlay_clicked-1.png")))
            Assert.Equal((image.Width, image.Height), (overlay.Width, overlay.Height));
        Assert.All(stored.Where(f => f.Label == "my sofa"), f => Assert.True(f.SizeBytes > 0));
        var ready = _host.Events.Events.Where(e => e.Kind == JobEventKind.FileReady && e.FileName!.Contains("clicked-")).ToList();
        Assert.Equal(4, ready.Count);
        Assert.All(ready, e => Assert.Equal(item.Id, e.JobImageId));
        Assert.Contains(ready, e => e.FileId == rows[0].Id);
    }

    [Fact]
    public async Task A_teammate_sees_a_shared_run_but_may_not_save_into_it_and_an_admin_may()
    {
        var (run, item) = await FinishedRunAsync(shared: true);

        var seen = await Masks.FindAsync(_teammate, run.Id, item.Id);
        Assert.NotNull(seen);
        Assert.False(seen.CanSave);
        var refused = await Assert.ThrowsAsync<RequestRejectedException>(() => Masks.SaveAsync(_teammate, seen, HalfMask(seen), null));
        Assert.Contains("owner or an admin", refused.Reason);
        Assert.DoesNotContain((await _host.LoadRunAsync(run.Id)).Images.Single().Files, f => f.FileName.Contains("clicked"));
        Assert.Empty(Directory.EnumerateFiles(_host.Services.GetRequiredService<FileStore>().ResultDir(run.Id, item.Id), "*clicked*"));

        var asAdmin = (await Masks.FindAsync(_admin, run.Id, item.Id))!;
        Assert.True(asAdmin.CanSave);
        Assert.Equal(2, (await Masks.SaveAsync(_admin, asAdmin, HalfMask(asAdmin), null)).Count);
    }

    [Fact]
    public async Task Someone_elses_private_run_and_an_unfinished_or_foreign_image_are_not_found()
    {
        var (run, item) = await FinishedRunAsync(shared: false);

        Assert.Null(await Masks.FindAsync(_teammate, run.Id, item.Id));
        Assert.Null(await Masks.FindAsync(_host.Owner, run.Id, Guid.NewGuid()));
        Assert.Null(await Masks.FindAsync(_host.Owner, Guid.NewGuid(), item.Id));
        var image = (await Masks.FindAsync(_host.Owner, run.Id, item.Id))!;
        await Assert.ThrowsAsync<RequestRejectedException>(() => Masks.SaveAsync(_teammate, image, HalfMask(image), null));

        var pending = await _host.StartExplainAsync([(await _host.UploadAsync()).Id]);
        Assert.Null(await Masks.FindAsync(_host.Owner, pending.Id, pending.Images.Single().Id));
    }

    [Fact]
    public async Task A_mask_of_another_size_is_refused()
    {
        var (run, item) = await FinishedRunAsync();
        var image = (await Masks.FindAsync(_host.Owner, run.Id, item.Id))!;
        var wrong = new SegmentResult("clicked", new SamPrompt([(1, 1)], [1]), new byte[4], 0.5f, 2, 2);

        var refused = await Assert.ThrowsAsync<RequestRejectedException>(() => Masks.SaveAsync(_host.Owner, image, wrong, null));

        Assert.Contains($"{image.Width}×{image.Height}", refused.Reason);
    }

    [Fact]
    public async Task The_points_a_run_stored_for_its_targets_are_proposed_in_the_runs_order()
    {
        var (run, item) = await FinishedRunAsync();
        var folder = _host.Services.GetRequiredService<FileStore>().ResultDir(run.Id, item.Id);
        var maps = Path.Combine(folder, OutputNames.MapsFile);
        File.Delete(maps);   // the fake engine's placeholder
        SafetensorsWriter.Write(maps,
        [
            SafetensorsWriter.Entry.Floats("single.sofa", [2, 2], () => [0, 1, 2, 3]),
            SafetensorsWriter.Entry.Longs(OutputNames.PointsKey("sofa"), [2, 2], [5, 6, 7, 8]),
            SafetensorsWriter.Entry.Longs(OutputNames.PointLabelsKey("sofa"), [2], [1, 0]),
            SafetensorsWriter.Entry.Longs(OutputNames.PointsKey("cat"), [1, 2], [3, 4]),
            SafetensorsWriter.Entry.Longs(OutputNames.PointLabelsKey("cat"), [1], [1]),
        ]);

        var image = (await Masks.FindAsync(_host.Owner, run.Id, item.Id))!;

        Assert.Equal(["cat", "sofa"], image.Proposed.Select(p => p.Target));
        Assert.Equal([(3, 4)], image.Proposed[0].Prompt.Points);
        Assert.Equal([(5, 6), (7, 8)], image.Proposed[1].Prompt.Points);
        Assert.Equal([1, 0], image.Proposed[1].Prompt.Labels);
    }

    [Fact]
    public async Task An_unreadable_maps_file_proposes_nothing_and_the_image_can_still_be_prompted()
    {
        var (run, item) = await FinishedRunAsync();   // the fake engine's maps.safetensors is no safetensors file

        var image = await Masks.FindAsync(_host.Owner, run.Id, item.Id);

        Assert.NotNull(image);
        Assert.Empty(image.Proposed);
    }
}
