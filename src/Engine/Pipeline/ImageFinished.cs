namespace ClipSurgeryWeb.Engine.Pipeline;

/// <summary>Everything asked for this image was written.</summary>
public sealed record ImageFinished(string Image) : PipelineEvent(Image);
