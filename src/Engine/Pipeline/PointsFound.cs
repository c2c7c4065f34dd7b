using ClipSurgeryWeb.Engine.Points;

namespace ClipSurgeryWeb.Engine.Pipeline;

/// <summary>SAM's point prompts for a target, taken from its single-label map at <paramref name="Resolution"/>.</summary>
public sealed record PointsFound(string Image, string Target, int Resolution, SamPrompt Points) : PipelineEvent(Image);
