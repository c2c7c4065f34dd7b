using ClipSurgeryWeb.Engine.Methods;

namespace ClipSurgeryWeb.Engine.Evaluation;

/// <summary>
/// What an eval measured: per method mmseg's scores over <paramref name="Images"/> images of the dataset, with the
/// protocol it ran under (<see cref="EvalMethodScores.Protocol"/>) and the request's overrides (<c>report.json</c>;
/// <c>report.md</c> is its table).
/// </summary>
/// <param name="Model">The CLIP model's name (its file), <paramref name="ModelSha256"/> its checksum when known.</param>
/// <param name="ShortSide">The short side the request forced on every method; null = each method's own (its protocol's).
/// A report written before protocols holds the one short side every method used.</param>
/// <param name="Pamr">PAMR as the request forced it for the methods that offer it; null = each method's own code.</param>
/// <param name="ClassNames">The dataset's classes (first names), in label-id order: the per-class scores' order.</param>
public sealed record EvalReport(
    string Model,
    string? ModelSha256,
    EvalDatasetKind Dataset,
    string DatasetFolder,
    int Images,
    int DatasetImages,
    int? ShortSide,
    bool? Pamr,
    int? Limit,
    IReadOnlyList<string> ClassNames,
    IReadOnlyList<EvalMethodScores> Methods,
    DateTimeOffset Started,
    DateTimeOffset Finished);
