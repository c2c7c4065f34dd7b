using ClipSurgeryWeb.Engine.Methods;

namespace ClipSurgeryWeb.Engine.Evaluation;

/// <summary>
/// One method's scores on the dataset and the protocol it was scored under (<see cref="EvalProtocol"/>; null only in a
/// report written before evals recorded protocols).
/// </summary>
public sealed record EvalMethodScores(MapMethod Method, SegmentationScores Scores, EvalProtocol? Protocol = null);
