using ClipSurgeryWeb.Engine.Pipeline;
using ClipSurgeryWeb.Engine.Checkpoints;
using System.Text.Json;
using ClipSurgeryWeb.Jobs.Engine;
using ClipSurgeryWeb.Tests.Fakes;
using ClipSurgeryWeb.Web.Tests.Support;

namespace ClipSurgeryWeb.Web.Tests.Integration;

/// <summary>
/// However an image fails, what the member reads (the image's reason, the run's error, through the API and the pages)
/// names files as the member knows them and never a server path.
/// </summary>
public sealed class FailureMessageTests : IDisposable
{
    private readonly FailingEngine _engine = new();
    private readonly ClipSurgeryAppFactory _factory;

    public FailureMessageTests()
    {
        var root = Directory.CreateTempSubdirectory("csw-web-").FullName;
        _factory = new ClipSurgeryAppFactory(root, _engine, ClipSurgeryAppFactory.CreateFakeModels(root));
    }

    public void Dispose()
    {
        _factory.Dispose();
        _factory.DeleteFiles();
    }

    public static TheoryData<string> Failures => ["result path too long", "image path", "model path"];

    [Theory]
    [MemberData(nameof(Failures))]
    public async Task A_failed_images_reason_names_no_server_path(string failure)
    {
        _engine.Failure = (spec, imagePath, outputDir) => failure switch
        {
            // What a 500-character label did: the heatmap's file name is too long for the file system.
            "result path too long" => new PathTooLongException(
                $"The path '{Path.Combine(outputDir, $".cs_{new string('a', 500)}.png.tmp-{Guid.NewGuid():N}")}' is too long, or a component of the specified path is too long."),
            "image path" => new EngineInputException(imagePath, "damaged image data (bad Huffman code)"),
            _ => new EngineInputException(spec.ClipModelPath, "not a CLIP checkpoint"),
        };
        using var client = await AppClient.LoginAsync(_factory);
        var image = await client.UploadImageAsync("holiday.png");

        var runId = await client.StartAsync("explain", new { imageIds = new[] { image }, model = ClipSurgeryAppFactory.ModelName, labels = new[] { "cat" } });
        var run = await client.WaitForFinishAsync(runId);

        Assert.Equal("Failed", run.Status);
        var reason = run.Images.Single().Error!;
        var page = await client.Http.GetStringAsync($"/runs/{runId}");
        foreach (var shown in new[] { reason, JsonSerializer.Serialize(run), page })
        {
            Assert.DoesNotContain(_factory.Root, shown);
            Assert.DoesNotContain(Path.GetTempPath().TrimEnd('/'), shown);
        }
        Assert.Contains(failure switch
        {
            "result path too long" => "The path '.cs_aaaa",
            "image path" => "holiday.png: damaged image data",
            _ => $"{ClipSurgeryAppFactory.ModelName}.pt: not a CLIP checkpoint",
        }, reason);
    }

    /// <summary>The fake engine, whose explain fails as <see cref="Failure"/> says.</summary>
    private sealed class FailingEngine : IClipEngine
    {
        private readonly FakeClipEngine _fake = new();

        public Func<EngineModels, string, string, Exception>? Failure { get; set; }

        public IReadOnlyList<string> OfficialClipModels => _fake.OfficialClipModels;

        public IReadOnlyList<string> OfficialSamModels => _fake.OfficialSamModels;

        public IReadOnlyList<InstalledModel> ListModels(string modelsDir) => _fake.ListModels(modelsDir);

        public InstalledModel Inspect(string checkpointPath) => _fake.Inspect(checkpointPath);

        public void Download(string officialName, string modelsDir, IProgress<DownloadProgress> progress, CancellationToken ct) =>
            _fake.Download(officialName, modelsDir, progress, ct);

        public IClipPipeline Pipeline(EngineModels models) => new Failing(this, models, _fake.Pipeline(models));

        /// <summary>Explain fails every image as <see cref="Failure"/> says; the rest is the fake's.</summary>
        private sealed class Failing(FailingEngine engine, EngineModels models, IClipPipeline fake) : IClipPipeline
        {
            public void Explain(ExplainImagesRequest request, Action<PipelineEvent> sink, CancellationToken ct)
            {
                foreach (var image in request.Images)
                    sink(new ImageFailed(image.Key, engine.Failure!(models, image.Path, image.OutputDir)));
            }

            public void Segment(SegmentImagesRequest request, Action<PipelineEvent> sink, CancellationToken ct) => fake.Segment(request, sink, ct);

            public void Opinions(OpinionsRequest request, Action<PipelineEvent> sink, CancellationToken ct) => fake.Opinions(request, sink, ct);

            public void SegmentLabels(SegmentLabelsRequest request, Action<PipelineEvent> sink, CancellationToken ct) => fake.SegmentLabels(request, sink, ct);

            public void Evaluate(ClipSurgeryWeb.Engine.Evaluation.EvalRequest request, Action<PipelineEvent> sink, CancellationToken ct) => fake.Evaluate(request, sink, ct);
        }
    }
}
