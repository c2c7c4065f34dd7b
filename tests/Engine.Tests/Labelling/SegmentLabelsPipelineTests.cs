using ClipSurgeryWeb.Engine.Checkpoints;
using ClipSurgeryWeb.Engine.Explaining;
using ClipSurgeryWeb.Engine.Hosting;
using ClipSurgeryWeb.Engine.Labelling;
using ClipSurgeryWeb.Engine.Methods;
using ClipSurgeryWeb.Engine.Pipeline;
using ClipSurgeryWeb.Engine.Tests.Support;
using ClipSurgeryWeb.Engine.Tokenization;
using TorchSharp;

namespace ClipSurgeryWeb.Engine.Tests.Labelling;

/// <summary>The pipeline's <see cref="IClipPipeline.SegmentLabels"/>: its events in order, what they name, and refusals before any image.</summary>
public sealed class SegmentLabelsPipelineTests : IDisposable
{
    private static readonly string MethodsModel = Shared.Fixture(Path.Combine("methods", "clip_vit_tiny_methods_state_dict.pt"));
    private readonly DirectoryInfo work = Directory.CreateTempSubdirectory("segment-labels-pipeline-");
    private readonly ClipTokenizer tokenizer = ClipTokenizer.FromFile(Shared.Vocab);

    private ClipExplainer Load(string path) => ClipExplainer.Load(path, tokenizer, torch.CPU, null, Precision.Fp32, Activation.QuickGelu);

    [Fact]
    public void Each_image_announces_its_stage_every_label_map_its_saved_maps_and_its_end()
    {
        using var explainer = Load(MethodsModel);
        var events = new List<PipelineEvent>();
        var images = new[] { "demo.jpg", "bwcat_cat.png" }
            .Select(i => new PipelineImage(i, Shared.Image(i), Directory.CreateDirectory(Path.Combine(work.FullName, i)).FullName)).ToList();
        var broken = new PipelineImage("broken", Path.Combine(work.FullName, "missing.png"), work.FullName);
        var request = new SegmentLabelsRequest([images[0], broken, images[1]], ClassList.Of(["cat, kitten", "sky", "person"]).WithBackground(),
            [MapMethod.Surgery, DenseMethod.Sclip.Method], new LabelSegmentationOptions(), SaveMaps: true);

        new ClipPipeline(explainer, tokenizer).SegmentLabels(request, events.Add, CancellationToken.None);

        foreach (var image in images)
        {
            var own = events.Where(e => e.Image == image.Key).ToList();
            Assert.Equal(new StageStarted(image.Key, PipelineStage.Labels, 2), own[0]);
            var maps = own.OfType<LabelMapWritten>().ToList();
            Assert.Equal([MapMethod.Surgery, DenseMethod.Sclip.Method], maps.Select(m => m.Method));
            foreach (var m in maps)
            {
                Assert.Equal($"labels_{m.Method.Name}.png", m.File);
                Assert.Equal($"labelmap_{m.Method.Name}.png", m.LabelFile);
                Assert.True(File.Exists(Path.Combine(image.OutputDir, m.File)));
                Assert.True(File.Exists(Path.Combine(image.OutputDir, m.LabelFile)));
                Assert.Equal(["background", "cat", "sky", "person"], m.Shares.Select(s => s.Name));
                Assert.Equal(1.0, m.Shares.Sum(s => s.Share), 9);
            }
            Assert.Equal(new FileWritten(image.Key, OutputKind.Labels, LabelMapWriter.MapsFile), own[^2]);
            Assert.Equal(new ImageFinished(image.Key), own[^1]);
        }
        Assert.Equal((336, 448), events.OfType<LabelMapWritten>().Where(e => e.Image == "demo.jpg").Select(e => (e.Height, e.Width)).Distinct().Single());
        var failed = Assert.Single(events.OfType<ImageFailed>());
        Assert.Equal("broken", failed.Image);
        Assert.IsType<EngineInputException>(failed.Error);
    }

    [Fact]
    public void A_request_no_image_can_run_throws_before_any_event()
    {
        using var explainer = Load(TinyModels.ResNetPath);
        var events = new List<PipelineEvent>();
        var image = new PipelineImage("demo", Shared.Image("demo.jpg"), work.FullName);
        var request = new SegmentLabelsRequest([image], ClassList.FromLabels("cat,dog"), [DenseMethod.Naclip.Method], new LabelSegmentationOptions());
        var e = Assert.Throws<EngineInputException>(() => new ClipPipeline(explainer, tokenizer).SegmentLabels(request, events.Add, CancellationToken.None));
        Assert.Contains("'naclip' needs a ViT", e.Reason);
        Assert.Empty(events);

        var plain = request with { Methods = [MapMethod.Plain] };
        Assert.Contains("draws no label map", Assert.Throws<EngineInputException>(() => new ClipPipeline(explainer, tokenizer).SegmentLabels(plain, events.Add, CancellationToken.None)).Reason);
        Assert.Empty(events);
    }

    public void Dispose() => work.Delete(recursive: true);
}
