using ClipSurgeryWeb.Engine.Pipeline;

namespace ClipSurgeryWeb.Jobs.Running;

/// <summary>
/// How much of an image's progress bar each step of its work takes, in the engine's order (opinions, explain, segment,
/// label maps); the shares add up to 1.
/// </summary>
public sealed record StageShares(double Opinions, double Explain, double Segment, double Labels = 0)
{
    /// <summary>Where <paramref name="stage"/> starts (0..1) and how much it spans.</summary>
    public (double From, double Span) Of(PipelineStage stage) => stage switch
    {
        PipelineStage.Opinions => (0, Opinions),
        PipelineStage.Explain => (Opinions, Explain),
        PipelineStage.Segment => (Opinions + Explain, Segment),
        _ => (Opinions + Explain + Segment, Labels),
    };
}
