using ClipSurgeryWeb.Engine.Evaluation;

namespace ClipSurgeryWeb.Engine.Pipeline;

/// <summary>An eval ended with its report (written as <paramref name="ReportFile"/> and a Markdown table beside it); <see cref="PipelineEvent.Image"/> is the dataset folder.</summary>
public sealed record EvalFinished(string Image, EvalReport Report, string ReportFile) : PipelineEvent(Image);
