using ClipSurgeryWeb.Engine.Labelling;
using ClipSurgeryWeb.Engine.Methods;

namespace ClipSurgeryWeb.Engine.Pipeline;

/// <summary>
/// Label maps per method for each image (<c>clipsurgery segment-labels</c>): <c>labels_&lt;method&gt;.png</c> (colour
/// overlay with legend) and <c>labelmap_&lt;method&gt;.png</c> (palette PNG of class ids) per method and, with
/// <paramref name="SaveMaps"/>, <c>labels.safetensors</c> (<c>&lt;method&gt;.pred</c> uint8 [H, W],
/// <c>&lt;method&gt;.probs</c> float32 [classes, H, W]).
/// </summary>
public sealed record SegmentLabelsRequest(IReadOnlyList<PipelineImage> Images, ClassList Classes, IReadOnlyList<MapMethod> Methods,
    LabelSegmentationOptions Options, bool SaveMaps = false)
{
    public void Validate()
    {
        PipelineImages.Check(Images);
        Options.Validate();
        if (Methods.Count == 0)
            throw new EngineInputException("methods", $"no method given (use {string.Join(", ", LabelSegmenter.Methods)})");
        foreach (var method in Methods.Where(m => !LabelSegmenter.Methods.Contains(m)))
            throw new EngineInputException("methods", $"'{method.Name}' draws no label map (use {string.Join(", ", LabelSegmenter.Methods)})");
    }
}
