namespace ClipSurgeryWeb.Engine.Pipeline;

/// <summary>The steps of an image's work, in the order runall takes them.</summary>
public enum PipelineStage
{
    Opinions,
    Explain,
    Segment,

    /// <summary>Label maps per method (open-vocabulary segmentation).</summary>
    Labels,
}
