namespace ClipSurgeryWeb.Engine.Pipeline;

public sealed partial class ClipPipeline
{
    public void SegmentLabels(SegmentLabelsRequest request, Action<PipelineEvent> sink, CancellationToken ct) =>
        throw new NotImplementedException("issue 12: label segmentation in progress");
}
