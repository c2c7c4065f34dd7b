using ClipSurgeryWeb.Engine.Methods;

namespace ClipSurgeryWeb.Engine.Evaluation;

/// <summary>
/// Score <paramref name="Methods"/> on the benchmark in <paramref name="DatasetFolder"/> (<c>clipsurgery eval</c>, the
/// Evaluate page), each with its own published test protocol (<see cref="EvalProtocol.For"/>). <paramref name="ReportFolder"/>
/// holds the eval's state (so a killed eval continues) and its <c>report.json</c> / <c>report.md</c>.
/// <paramref name="Limit"/>: only the first N images. <paramref name="Pamr"/>: null = each method's own code (NACLIP on,
/// the others have none); true/false forces it for every method that offers PAMR. <paramref name="ShortSide"/>: null =
/// each method's own config; a number overrides every method's. <paramref name="Restart"/>: discard the state of another
/// eval found in <paramref name="ReportFolder"/> instead of refusing (it is not part of what makes two requests the same eval).
/// </summary>
public sealed record EvalRequest(string DatasetFolder, EvalDatasetKind Dataset, IReadOnlyList<MapMethod> Methods, string ReportFolder,
    int? Limit = null, bool? Pamr = null, int? ShortSide = null, bool Restart = false);
