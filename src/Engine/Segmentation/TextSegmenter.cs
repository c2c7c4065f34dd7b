using ClipSurgeryWeb.Engine.Explaining;
using ClipSurgeryWeb.Engine.Methods;
using ClipSurgeryWeb.Engine.Points;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace ClipSurgeryWeb.Engine.Segmentation;

/// <summary>
/// Text → points → SAM mask, as the reference's demo: points from the single-label Surgery map at 512 (a target
/// <c>a+b</c> takes negatives from the parts' mean map and each part's positives), SAM with three masks, the best
/// score kept. The image is encoded by SAM once for all targets.
/// </summary>
public sealed class TextSegmenter(ClipExplainer explainer, SamModel sam)
{
    /// <summary>The reference takes SAM's points from the Surgery map of the image resized to 512.</summary>
    public const int PointResolution = 512;

    public IReadOnlyList<SegmentResult> Segment(Image<Rgb24> image, IReadOnlyList<string> targets, CancellationToken ct = default)
    {
        var explanation = explainer.Explain(image, new ExplainRequest([], targets, PointResolution, [MapMethod.Single]), ct);
        return Segment(image, explanation.Maps, ct);
    }

    /// <summary>Masks from single-label maps already drawn (their points), without explaining again.</summary>
    public IReadOnlyList<SegmentResult> Segment(Image<Rgb24> image, IEnumerable<Heatmap> singleMaps, CancellationToken ct = default)
    {
        using var predictor = new SamPredictor(sam);
        predictor.SetImage(image);
        var results = new List<SegmentResult>();
        foreach (var map in singleMaps)
        {
            ct.ThrowIfCancellationRequested();
            results.Add(Predict(predictor, map.Target, map.Points ?? SamPrompt.Empty));
        }
        return results;
    }

    /// <summary>SAM prompted with given points (no CLIP): the best of three masks.</summary>
    public static SegmentResult Predict(SamPredictor predictor, string target, SamPrompt prompt)
    {
        if (prompt.Count == 0)
            throw new EngineInputException($"target '{target}'", "no point prompts for it (its map is flat)");
        var (height, width) = predictor.OriginalSize;
        foreach (var (x, y) in prompt.Points)
        {
            if (x < 0 || y < 0 || x >= width || y >= height)
                throw new EngineInputException($"point {x},{y}", $"outside the {width}×{height} image");
        }
        var prediction = predictor.Predict(prompt.Points.ToArray(), prompt.Labels.ToArray(), multimaskOutput: true);
        int best = prediction.BestIndex;
        return new SegmentResult(target, prompt, prediction.Mask(best).ToArray(), prediction.Scores.Span[best], height, width);
    }

    /// <summary>Parses <c>"x,y,1;x,y,0"</c> (label 1 = on the object, 0 = background).</summary>
    public static SamPrompt ParsePoints(string text)
    {
        var points = new List<(int, int)>();
        var labels = new List<int>();
        foreach (var item in text.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var parts = item.Split(',', StringSplitOptions.TrimEntries);
            if (parts.Length != 3 || !int.TryParse(parts[0], out var x) || !int.TryParse(parts[1], out var y)
                || !int.TryParse(parts[2], out var label) || label is not (0 or 1))
                throw new EngineInputException("points", $"'{item}' is not x,y,label with integer pixels and label 0 or 1");
            points.Add((x, y));
            labels.Add(label);
        }
        return points.Count == 0 ? throw new EngineInputException("points", "no points given") : new SamPrompt(points, labels);
    }
}
