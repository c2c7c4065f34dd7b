using ClipSurgeryWeb.Engine.Explaining;
using ClipSurgeryWeb.Engine.Methods;
using ClipSurgeryWeb.Jobs.Explain;
using ClipSurgeryWeb.Jobs.Running;
using ClipSurgeryWeb.Jobs.Tests.Support;
using ClipSurgeryWeb.Tests.Fakes;
using Microsoft.Extensions.DependencyInjection;

namespace ClipSurgeryWeb.Jobs.Tests;

/// <summary>
/// A result file's row says what the engine's event said it is (kind, method, target), never a reading of its name: a
/// file name holds a label only in its file-safe, bounded form, which cannot be turned back into the label.
/// </summary>
public sealed class ResultRowsFromEventsTests : IAsyncLifetime
{
    private readonly JobsHost _host = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _host.DisposeAsync();

    public static TheoryData<string> Targets => ["cat", "a cat: on/the \"sofa\"?", new string('a', 500), string.Concat(Enumerable.Repeat("é猫", 120))];

    [Theory]
    [MemberData(nameof(Targets))]
    public async Task Every_heatmap_is_recorded_with_its_method_and_its_whole_target(string target)
    {
        var image = await _host.UploadAsync();
        var run = await _host.StartExplainAsync([image.Id], [target], [target], ["cs", "plain", "single"]);

        await _host.With(async sp => { await sp.GetRequiredService<ExplainJob>().RunAsync(run.Id, default); return 0; });

        var files = (await _host.LoadRunAsync(run.Id)).Images.Single().Files;
        var heatmaps = files.Where(f => f.Kind == ResultKinds.Heatmap).OrderBy(f => MapMethods.Order(f.Mode!.Value)).ToList();
        Assert.Equal(MapMethods.Defaults, heatmaps.Select(f => f.Mode!.Value));
        Assert.All(heatmaps, f => Assert.Equal(target, f.Label));
        Assert.Equal(MapMethods.Defaults.Select(m => OutputNames.Png(m, target)), heatmaps.Select(f => f.FileName));
        Assert.Equal("maps", files.Single(f => f.FileName == OutputNames.MapsFile).Kind);
    }

    [Fact]
    public async Task A_heatmaps_row_holds_its_value_range_and_the_image_holds_its_label_scores()
    {
        _host.Fake.EmitScores = true;
        var image = await _host.UploadAsync();
        var run = await _host.StartExplainAsync([image.Id], ["cat", "sofa", "hat"], ["cat", "sofa"], ["cs", "plain"]);

        await _host.With(async sp => { await sp.GetRequiredService<ExplainJob>().RunAsync(run.Id, default); return 0; });

        var item = (await _host.LoadRunAsync(run.Id)).Images.Single();
        var heatmaps = item.Files.Where(f => f.Kind == ResultKinds.Heatmap).ToList();
        Assert.Equal(4, heatmaps.Count);
        foreach (var f in heatmaps)
        {
            var range = FakeClipEngine.RangeFor(f.Mode!.Value, f.Label!);
            Assert.Equal((range.Min, range.Max), (f.ValueMin, f.ValueMax));
        }
        Assert.Equal(FakeClipEngine.ScoresFor(["cat", "sofa", "hat"]), item.Scores);
        var scores = Assert.Single(item.Files, f => f.Kind == "scores");
        Assert.Equal(ClipSurgeryWeb.Engine.Scores.ScoresFile.Name, scores.FileName);
        Assert.Null(scores.ValueMin);
        Assert.True(scores.SizeBytes > 0);
    }

    [Fact]
    public async Task A_resumed_image_updates_its_rows_instead_of_adding_them_again()
    {
        var image = await _host.UploadAsync();
        var run = await _host.StartExplainAsync([image.Id], ["cat"], ["cat"], ["cs"]);
        await _host.With(async sp => { await sp.GetRequiredService<ExplainJob>().RunAsync(run.Id, default); return 0; });
        var first = (await _host.LoadRunAsync(run.Id)).Images.Single();
        var ids = first.Files.ToDictionary(f => f.FileName, f => f.Id);

        // The same image computed again (a redelivered job after its rows were written) writes the same files.
        await _host.With(async sp =>
        {
            var db = sp.GetRequiredService<ClipSurgeryWeb.Data.ClipSurgeryDb>();
            var item = db.RunImages.Single(i => i.Id == first.Id);
            item.Status = ClipSurgeryWeb.Data.JobImageStatus.Pending;
            await db.SaveChangesAsync();
            await sp.GetRequiredService<ExplainJob>().RunAsync(run.Id, default);
            return 0;
        });

        var again = (await _host.LoadRunAsync(run.Id)).Images.Single().Files;
        Assert.Equal(ids.Count, again.Count);
        Assert.All(again, f => Assert.Equal(ids[f.FileName], f.Id));
    }
}
