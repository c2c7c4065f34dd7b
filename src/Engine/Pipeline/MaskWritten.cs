namespace ClipSurgeryWeb.Engine.Pipeline;

/// <summary>SAM's best mask of a target was written (white on black), with its predicted IoU and the resolution its points came from.</summary>
public sealed record MaskWritten(string Image, string Target, string File, float Score, int Resolution) : PipelineEvent(Image);
