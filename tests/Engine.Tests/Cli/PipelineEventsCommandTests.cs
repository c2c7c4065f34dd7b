using System.CommandLine;
using ClipSurgeryWeb.Cli.Commands;
using ClipSurgeryWeb.Cli.Terminal;
using ClipSurgeryWeb.Engine.Opinions;
using ClipSurgeryWeb.Engine.Pipeline;
using ClipSurgeryWeb.Engine.Tests.Support;
using TorchSharp.PyBridge;

namespace ClipSurgeryWeb.Engine.Tests.Cli;

/// <summary>
/// <c>segment --targets</c> and <c>opinions</c> are renderings of the engine's pipeline: with the real
/// <see cref="ClipPipeline"/> wrapped to record its events, what the command prints and publishes is what the events
/// announced (a command that did the work itself would record no events, and these fail).
/// </summary>
public sealed class PipelineEventsCommandTests : IDisposable
{
    private readonly TempFolder temp = new("pipeline-cli-");
    private readonly List<PipelineEvent> events = [];
    private readonly StringWriter errors = new();

    private async Task<(int Code, string Errors)> Run(Command command, string[] args)
    {
        var code = await new RootCommand { command }.Parse(args).InvokeAsync();
        return (code, errors.ToString());
    }

    [Fact]
    public async Task Segment_prints_and_publishes_the_masks_and_files_the_engine_announced()
    {
        var command = SegmentCommand.Create(new Reporter(errors, false), (explainer, tokenizer, sam, limits) =>
            new RecordingPipeline(new ClipPipeline(explainer, tokenizer, sam, limits), events));

        var (code, printed) = await Run(command, ["segment", Shared.Image("demo.jpg"), "--targets", "bench,person+bench",
            "--sam", Shared.Fixture("sam_vit_tiny.pth"), .. SmallOpinions.EngineArgs(temp["models"]), "--out", temp["out"]]);

        Assert.Equal(0, code);
        var folder = Path.Combine(temp["out"], "demo");
        var announced = events.Select(e => e switch
        {
            MaskWritten m => m.File,
            OverlayWritten o => o.File,
            FileWritten f => f.File,
            _ => null,
        }).OfType<string>().ToList();
        Assert.Equal(5, announced.Count);   // mask and overlay per target, and masks.safetensors
        Assert.Equal(announced.Order(StringComparer.Ordinal), Directory.GetFiles(folder).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Contains($"{announced.Count} file(s) in {folder}", printed);
        Assert.Single(events.OfType<ImageFinished>());

        var masks = Safetensors.LoadStateDict(Path.Combine(folder, "masks.safetensors"));
        var points = events.OfType<PointsFound>().ToDictionary(p => p.Target, p => p.Points.Count);
        var written = events.OfType<MaskWritten>().ToList();
        Assert.Equal(["bench", "person+bench"], written.Select(m => m.Target));
        foreach (var m in written)
        {
            using var white = masks[$"mask.{m.Target}"].gt(0).sum();
            Assert.Contains($"{m.Target}: score {m.Score:F3}, {white.item<long>():N0} pixels, {points[m.Target]} points", printed);
        }
    }

    [Fact]
    public async Task Opinions_print_and_publish_the_words_and_files_the_engine_announced()
    {
        var command = OpinionsCommand.Create(new Reporter(errors, false), (explainer, tokenizer, limits) =>
            new RecordingPipeline(new ClipPipeline(explainer, tokenizer, limits: limits), events));
        var image = Shared.Image("bwcat_cat.png");

        var (code, printed) = await Run(command, ["opinions", image, "--out", temp["out"], .. SmallOpinions.Args(seed: 5),
            .. SmallOpinions.EngineArgs(temp["models"])]);

        Assert.Equal(ExitCodes.Ok, code);
        var folder = Path.Combine(temp["out"], "bwcat_cat");
        var files = events.OfType<FileWritten>().Select(f => f.File).ToList();
        Assert.Equal([OpinionFiles.TokensFile, OpinionFiles.WordsFile, OpinionFiles.InfoFile], files);
        Assert.Equal(files.Order(StringComparer.Ordinal), Directory.GetFiles(folder).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        var opinion = Assert.Single(events.OfType<OpinionFinished>());
        Assert.Equal(opinion.Words, OpinionFiles.ReadWords(folder));
        var best = events.OfType<OpinionProgressed>().Last().Progress.BestText;
        Assert.Equal(12, events.OfType<OpinionProgressed>().Count());
        Assert.Contains($"[1/1] {image}: {opinion.Tokens.Count} tokens, {opinion.Words.Count} words, best \"{best}\" in {folder} (seed {opinion.Seed},", printed);
    }

    [Fact]
    public async Task An_image_the_engine_fails_is_reported_by_name_and_its_folder_is_not_published()
    {
        var broken = temp["broken.png"];
        File.WriteAllText(broken, "not an image");
        var command = OpinionsCommand.Create(new Reporter(errors, false), (explainer, tokenizer, limits) =>
            new RecordingPipeline(new ClipPipeline(explainer, tokenizer, limits: limits), events));

        var (code, printed) = await Run(command, ["opinions", broken, "--out", temp["out"], .. SmallOpinions.Args(seed: 5),
            .. SmallOpinions.EngineArgs(temp["models"])]);

        Assert.Equal(ExitCodes.SomeFailed, code);
        var failed = Assert.Single(events.OfType<ImageFailed>());
        Assert.Contains($"error: {failed.Reason}", printed);
        Assert.Empty(Directory.GetFileSystemEntries(temp["out"]));   // the staging folder is gone with the failure
    }

    public void Dispose() => temp.Dispose();

    /// <summary>The real pipeline, each event it sends also kept.</summary>
    private sealed class RecordingPipeline(IClipPipeline inner, List<PipelineEvent> kept) : IClipPipeline
    {
        private Action<PipelineEvent> Keep(Action<PipelineEvent> sink) => e =>
        {
            kept.Add(e);
            sink(e);
        };

        public void Explain(ExplainImagesRequest request, Action<PipelineEvent> sink, CancellationToken ct) => inner.Explain(request, Keep(sink), ct);

        public void Segment(SegmentImagesRequest request, Action<PipelineEvent> sink, CancellationToken ct) => inner.Segment(request, Keep(sink), ct);

        public void Opinions(OpinionsRequest request, Action<PipelineEvent> sink, CancellationToken ct) => inner.Opinions(request, Keep(sink), ct);

        public void SegmentLabels(SegmentLabelsRequest request, Action<PipelineEvent> sink, CancellationToken ct) => inner.SegmentLabels(request, Keep(sink), ct);

        public void Evaluate(ClipSurgeryWeb.Engine.Evaluation.EvalRequest request, Action<PipelineEvent> sink, CancellationToken ct) => inner.Evaluate(request, Keep(sink), ct);

        public void RunAll(RunAllRequest request, Action<PipelineEvent> sink, CancellationToken ct) => inner.RunAll(request, Keep(sink), ct);
    }
}
