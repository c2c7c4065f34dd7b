using ClipSurgeryWeb.Engine.Explaining;
using ClipSurgeryWeb.Engine.Hosting;
using ClipSurgeryWeb.Engine.Imaging;
using ClipSurgeryWeb.Engine.Methods;
using ClipSurgeryWeb.Engine.Opinions;
using ClipSurgeryWeb.Engine.Scores;
using ClipSurgeryWeb.Engine.Segmentation;
using ClipSurgeryWeb.Engine.Tokenization;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace ClipSurgeryWeb.Engine.Pipeline;

/// <summary>
/// The engine's entries (<see cref="IClipPipeline"/>) on loaded models: one CLIP model, its tokenizer and, for masks,
/// one SAM model. Files go into each image's <see cref="PipelineImage.OutputDir"/>, one at a time, each renamed into
/// place when complete and announced at once; the caller decides whether that folder is a staging folder (the CLI) or
/// the live results folder (the jobs).
/// </summary>
public sealed partial class ClipPipeline(ClipExplainer explainer, ClipTokenizer tokenizer, SamModel? sam = null, ImageLimits? limits = null) : IClipPipeline
{
    private readonly ImageLimits limits = limits ?? ImageLimits.Default;

    public ClipExplainer Explainer => explainer;

    public void Explain(ExplainImagesRequest request, Action<PipelineEvent> sink, CancellationToken ct)
    {
        request.Validate();
        if (request.Segment && sam is null)
            throw new EngineInputException("sam", "masks were asked for but no SAM model is loaded");
        var inputs = request.Images.Select(i => ExplainInput.FromFile(i.Path, limits)).ToList();
        var expected = request.Maps.EffectiveTargets.Count * request.Maps.EffectiveMethods.Count;
        foreach (var image in request.Images)
            sink(new StageStarted(image.Key, PipelineStage.Explain, expected));
        // A bad request throws here, before any image is opened; an image that fails is its outcome's error.
        foreach (var outcome in explainer.ExplainMany(inputs, request.Maps, ct))
        {
            var image = request.Images[outcome.Index];
            try
            {
                var explanation = outcome.Result();
                using var picture = ImageLoader.Load(image.Path, limits);
                Directory.CreateDirectory(image.OutputDir);
                ExplanationWriter.WriteFiles(explanation, picture, image.OutputDir, request.SaveMaps, (file, map) => sink(map is null
                    ? new FileWritten(image.Key, OutputKind.Maps, file)
                    : new HeatmapWritten(image.Key, map.Method, map.Target, map.Resolution, file, map.Range)));
                if (explanation.Scores is { Count: > 0 } scores)
                {
                    sink(new LabelsScored(image.Key, scores));
                    sink(new FileWritten(image.Key, OutputKind.Scores, ScoresFile.Write(image.OutputDir, scores)));
                }
                if (request.Segment)
                    SegmentFrom(image, picture, PointMaps(explanation, picture, request.Maps.EffectiveTargets, ct), sink, ct);
                sink(new ImageFinished(image.Key));
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                sink(new ImageFailed(image.Key, e));
            }
        }
    }

    public void Segment(SegmentImagesRequest request, Action<PipelineEvent> sink, CancellationToken ct)
    {
        request.Validate();
        if (sam is null)
            throw new EngineInputException("sam", "no SAM model is loaded");
        foreach (var image in request.Images)
        {
            ct.ThrowIfCancellationRequested();
            try
            {
                using var picture = ImageLoader.Load(image.Path, limits);
                Directory.CreateDirectory(image.OutputDir);
                var maps = explainer.Explain(picture, request.Points, ct).Maps;
                SegmentFrom(image, picture, maps, sink, ct);
                sink(new ImageFinished(image.Key));
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                sink(new ImageFailed(image.Key, e));
            }
        }
    }

    public void Opinions(OpinionsRequest request, Action<PipelineEvent> sink, CancellationToken ct)
    {
        request.Validate(explainer.Model.Config.ContextLength);
        var ascent = new GradientAscent(explainer.Model, tokenizer);
        foreach (var image in request.Images)
        {
            ct.ThrowIfCancellationRequested();
            try
            {
                using var picture = ImageLoader.Load(image.Path, limits);
                sink(new StageStarted(image.Key, PipelineStage.Opinions, request.Settings.Iterations));
                var progress = new SynchronousProgress<OpinionProgress>(p => sink(new OpinionProgressed(image.Key, p)));
                var result = ascent.Run(picture, request.Settings, progress, ct);
                Directory.CreateDirectory(image.OutputDir);
                var info = OpinionInfo.From(result, Path.GetFileName(image.Path), request.ModelName, explainer.ModelSha256);
                var names = OpinionFiles.WriteInto(image.OutputDir, result, info);
                sink(new FileWritten(image.Key, OutputKind.Tokens, names[0]));
                sink(new FileWritten(image.Key, OutputKind.Words, names[1]));
                sink(new FileWritten(image.Key, OutputKind.OpinionInfo, names[2]));
                sink(new OpinionFinished(image.Key, result.Tokens.Rows, result.Words, result.Seed));
                sink(new ImageFinished(image.Key));
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                sink(new ImageFailed(image.Key, e));
            }
        }
    }

    public void RunAll(RunAllRequest request, Action<PipelineEvent> sink, CancellationToken ct)
    {
        request.Validate(explainer.Model.Config.ContextLength);
        RunAllPlan.Run(this, request, sink, ct);
    }

    /// <summary>Each target's single-label map at SAM's point resolution: this explanation's own when it drew them, else drawn now for the points only.</summary>
    private IReadOnlyList<Heatmap> PointMaps(Explanation explanation, Image<Rgb24> picture, IReadOnlyList<string> targets, CancellationToken ct)
    {
        var own = targets.Select(t => explanation.Maps.FirstOrDefault(m => m.Method == MapMethod.Single && m.Target == t
            && m.Resolution == TextSegmenter.PointResolution)).ToList();
        if (own.All(m => m is not null))
            return own.Select(m => m!).ToList();
        return explainer.Explain(picture, new ExplainRequest([], targets, TextSegmenter.PointResolution, [MapMethod.Single]), ct).Maps;
    }

    /// <summary>SAM from each map's points (the best of 3 masks), the files written and announced one by one.</summary>
    private void SegmentFrom(PipelineImage image, Image<Rgb24> picture, IReadOnlyList<Heatmap> maps, Action<PipelineEvent> sink, CancellationToken ct)
    {
        sink(new StageStarted(image.Key, PipelineStage.Segment, maps.Count));
        var results = new TextSegmenter(explainer, sam!).Segment(picture, maps, ct);
        var resolution = maps.ToDictionary(m => m.Target, m => m.Resolution);
        foreach (var r in results)
            sink(new PointsFound(image.Key, r.Target, resolution[r.Target], r.Prompt));
        SegmentationWriter.WriteFiles(results, picture, image.OutputDir, (file, result) => sink(result switch
        {
            null => new FileWritten(image.Key, OutputKind.Masks, file),
            _ when file == OutputNames.MaskPng(result.Target) => new MaskWritten(image.Key, result.Target, file, result.Score, resolution[result.Target]),
            _ => new OverlayWritten(image.Key, result.Target, file, result.Score, resolution[result.Target]),
        }));
    }
}
