namespace ClipSurgeryWeb.Engine.Pipeline;

/// <summary>
/// The engine's entries, one per kind of work: each takes a request record and tells <c>sink</c> what it wrote as it
/// writes it (<see cref="PipelineEvent"/>). A failing image ends with <see cref="ImageFailed"/> and the others go on; a
/// bad request throws <see cref="EngineInputException"/> before anything is written; cancellation throws. Nothing is
/// kept from one call for the next: everything a call needs is in its request. Not thread-safe (one call at a time).
/// </summary>
public interface IClipPipeline
{
    void Explain(ExplainImagesRequest request, Action<PipelineEvent> sink, CancellationToken ct);

    void Segment(SegmentImagesRequest request, Action<PipelineEvent> sink, CancellationToken ct);

    void Opinions(OpinionsRequest request, Action<PipelineEvent> sink, CancellationToken ct);

    /// <summary>Label maps per method for each image (<see cref="LabelMapWritten"/>).</summary>
    void SegmentLabels(SegmentLabelsRequest request, Action<PipelineEvent> sink, CancellationToken ct);

    /// <summary>Scores methods on a benchmark folder (<see cref="EvalProgressed"/> per image, then <see cref="EvalFinished"/>); continues an interrupted eval of the same request.</summary>
    void Evaluate(Evaluation.EvalRequest request, Action<PipelineEvent> sink, CancellationToken ct);

    /// <summary>Opinions → maps → masks per image: the one runall (<see cref="RunAllPlan"/>), on this pipeline's entries.</summary>
    void RunAll(RunAllRequest request, Action<PipelineEvent> sink, CancellationToken ct) => RunAllPlan.Run(this, request, sink, ct);
}
