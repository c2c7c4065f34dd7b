namespace ClipSurgeryWeb.Engine.Pipeline;

/// <summary>An image's work entered a step; <paramref name="Expected"/> is how many results it will announce (heatmaps, masks, iterations).</summary>
public sealed record StageStarted(string Image, PipelineStage Stage, int Expected) : PipelineEvent(Image);
