using System.Text.Json;
using ClipSurgeryWeb.Engine.Explaining;
using ClipSurgeryWeb.Engine.Hosting;
using ClipSurgeryWeb.Engine.Imaging;
using ClipSurgeryWeb.Engine.Methods;
using ClipSurgeryWeb.Engine.Pipeline;
using ClipSurgeryWeb.Engine.Scores;
using ClipSurgeryWeb.Engine.Tests.Support;
using ClipSurgeryWeb.Engine.Tokenization;

namespace ClipSurgeryWeb.Engine.Tests.Pipeline;

/// <summary>
/// The pipeline's explain announces what the explainer computed: every heatmap with its range, and for a request with
/// labels the ranking (<see cref="LabelsScored"/>) and <c>scores.json</c> holding the same numbers.
/// </summary>
public sealed class ScoresAndRangesEventsTests : IDisposable
{
    private static readonly string[] Labels = ["cat", "dog", "person", "bench", "sky"];
    private readonly TempFolder temp = new("scores-events-");
    private readonly ClipExplainer explainer = ClipExplainer.Load(TinyModels.VitPath, ClipTokenizer.FromFile(Shared.Vocab), new EngineOptions(DevicePreference.Cpu));

    [Fact]
    public void Explain_announces_each_maps_range_and_writes_the_scores_it_announces()
    {
        var request = new ExplainRequest(Labels, ["bench", "person+bench"], Methods: [MapMethod.Surgery, MapMethod.Plain, MapMethod.Single]);
        var image = new PipelineImage("demo", Shared.Image("demo.jpg"), temp["demo"]);
        var events = new List<PipelineEvent>();
        new ClipPipeline(explainer, ClipTokenizer.FromFile(Shared.Vocab)).Explain(new ExplainImagesRequest([image], request), events.Add, CancellationToken.None);

        using var picture = ImageLoader.Load(image.Path);
        var expected = explainer.Explain(picture, request);
        var maps = events.OfType<HeatmapWritten>().ToList();
        Assert.Equal(expected.Maps.Select(m => (m.Method, m.Target, m.Range)), maps.Select(m => (m.Method, m.Target, m.Range)));
        Assert.All(maps, m => Assert.NotNull(m.Range));

        var scored = Assert.Single(events.OfType<LabelsScored>());
        Assert.Equal(expected.Scores, scored.Scores);
        var file = Assert.Single(events.OfType<FileWritten>(), f => f.Kind == OutputKind.Scores);
        Assert.Equal(ScoresFile.Name, file.File);
        Assert.True(events.IndexOf(scored) < events.IndexOf(file) && events.IndexOf(file) < events.FindIndex(e => e is ImageFinished));
        Assert.Equal(scored.Scores, ScoresFile.Read(image.OutputDir));

        // camelCase, one object per label, most probable first.
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(image.OutputDir, ScoresFile.Name)));
        var first = json.RootElement.EnumerateArray().First();
        Assert.Equal(["label", "probability", "similarity"], first.EnumerateObject().Select(p => p.Name));
        Assert.Equal(scored.Scores[0].Label, first.GetProperty("label").GetString());
        Assert.Equal(Labels.Length, json.RootElement.GetArrayLength());
    }

    [Fact]
    public void Explain_without_labels_writes_no_scores()
    {
        var image = new PipelineImage("demo", Shared.Image("demo.jpg"), temp["demo"]);
        var events = new List<PipelineEvent>();
        new ClipPipeline(explainer, ClipTokenizer.FromFile(Shared.Vocab)).Explain(
            new ExplainImagesRequest([image], new ExplainRequest([], ["bench"], Methods: [MapMethod.Single])), events.Add, CancellationToken.None);

        Assert.Empty(events.OfType<LabelsScored>());
        Assert.DoesNotContain(events, e => e is FileWritten { Kind: OutputKind.Scores });
        Assert.False(File.Exists(Path.Combine(image.OutputDir, ScoresFile.Name)));
        Assert.Single(events.OfType<ImageFinished>());
    }

    public void Dispose()
    {
        explainer.Dispose();
        temp.Dispose();
    }
}
