namespace ClipSurgeryWeb.Engine.Pipeline;

/// <summary>An image's zero-shot ranking of the request's labels, most probable first (also written as <c>scores.json</c>).</summary>
public sealed record LabelsScored(string Image, IReadOnlyList<LabelScore> Scores) : PipelineEvent(Image);
