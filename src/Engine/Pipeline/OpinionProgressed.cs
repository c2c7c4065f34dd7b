using ClipSurgeryWeb.Engine.Opinions;

namespace ClipSurgeryWeb.Engine.Pipeline;

/// <summary>One gradient-ascent step of an image's opinion was taken.</summary>
public sealed record OpinionProgressed(string Image, OpinionProgress Progress) : PipelineEvent(Image);
