using ClipSurgeryWeb.Engine.Explaining;
using ClipSurgeryWeb.Engine.Methods;
using ClipSurgeryWeb.Engine.Segmentation;

namespace ClipSurgeryWeb.Engine.Pipeline;

/// <summary>Text → points → SAM mask for each target of each image (points from the single-label map at 512; no heatmap written).</summary>
public sealed record SegmentImagesRequest(IReadOnlyList<PipelineImage> Images, IReadOnlyList<string> Targets)
{
    /// <summary>The single-label maps SAM's points come from.</summary>
    public ExplainRequest Points => new([], Targets, TextSegmenter.PointResolution, [MapMethod.Single]);

    public void Validate()
    {
        PipelineImages.Check(Images);
        Points.Validate();
    }
}
