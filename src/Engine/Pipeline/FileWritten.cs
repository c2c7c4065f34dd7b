namespace ClipSurgeryWeb.Engine.Pipeline;

/// <summary>A file of the image's folder that is not a picture of one target was written (or, for maps, merged into).</summary>
public sealed record FileWritten(string Image, OutputKind Kind, string File) : PipelineEvent(Image);
