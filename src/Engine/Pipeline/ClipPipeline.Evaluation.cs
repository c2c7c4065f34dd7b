using ClipSurgeryWeb.Engine.Evaluation;

namespace ClipSurgeryWeb.Engine.Pipeline;

public sealed partial class ClipPipeline
{
    public void Evaluate(EvalRequest request, Action<PipelineEvent> sink, CancellationToken ct) =>
        throw new NotImplementedException("issue 12: evaluation in progress");
}
