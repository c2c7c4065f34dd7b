namespace ClipSurgeryWeb.Engine.Pipeline;

/// <summary>A target's mask drawn over the image with its points was written.</summary>
public sealed record OverlayWritten(string Image, string Target, string File, float Score, int Resolution) : PipelineEvent(Image);
