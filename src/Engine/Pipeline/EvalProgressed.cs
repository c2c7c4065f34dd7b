namespace ClipSurgeryWeb.Engine.Pipeline;

/// <summary>An eval scored one more image (<paramref name="Image"/>: its id in the dataset): <paramref name="Done"/> of <paramref name="Total"/>, resumed ones included.</summary>
public sealed record EvalProgressed(string Image, int Done, int Total) : PipelineEvent(Image);
