using ClipSurgeryWeb.Engine.Methods;

namespace ClipSurgeryWeb.Engine.Evaluation;

/// <summary>One method's scores on the dataset.</summary>
public sealed record EvalMethodScores(MapMethod Method, SegmentationScores Scores);
