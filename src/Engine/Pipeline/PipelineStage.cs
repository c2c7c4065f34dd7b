namespace ClipSurgeryWeb.Engine.Pipeline;

/// <summary>The steps of an image's work, in the order runall takes them.</summary>
public enum PipelineStage
{
    Opinions,
    Explain,
    Segment,
}
