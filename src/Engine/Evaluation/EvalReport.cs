using ClipSurgeryWeb.Engine.Methods;

namespace ClipSurgeryWeb.Engine.Evaluation;

/// <summary>
/// What an eval measured: per method mmseg's scores over <paramref name="Images"/> images of the dataset, with the
/// settings it ran under (<c>report.json</c>; <c>report.md</c> is its table).
/// </summary>
/// <param name="Model">The CLIP model's name (its file), <paramref name="ModelSha256"/> its checksum when known.</param>
/// <param name="ClassNames">The dataset's classes (first names), in label-id order: the per-class scores' order.</param>
/// <param name="Threshold">The probability threshold below which pixels went to class 0 (the configs' <c>prob_thd</c>).</param>
public sealed record EvalReport(
    string Model,
    string? ModelSha256,
    EvalDatasetKind Dataset,
    string DatasetFolder,
    int Images,
    int DatasetImages,
    int ShortSide,
    bool Pamr,
    int? Limit,
    IReadOnlyList<string> ClassNames,
    IReadOnlyList<EvalMethodScores> Methods,
    DateTimeOffset Started,
    DateTimeOffset Finished,
    double Threshold = 0);
