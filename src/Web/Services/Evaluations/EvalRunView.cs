using ClipSurgeryWeb.Data;
using ClipSurgeryWeb.Engine.Evaluation;
using ClipSurgeryWeb.Engine.Methods;

namespace ClipSurgeryWeb.Web.Services.Evaluations;

/// <summary>An eval as the Evaluate page shows it: its settings, progress, and (once it succeeded) its report.</summary>
/// <param name="Dataset">The benchmark.</param>
/// <param name="Folder">The dataset folder as members may read it (relative to the datasets root).</param>
/// <param name="Pamr">PAMR as asked: null = each method's own code (NACLIP on), true/false = forced.</param>
/// <param name="ShortSide">The short side asked: null = each method's own config.</param>
public sealed record EvalRunView(
    Guid Id, string Status, string OwnerId, string OwnerName, DateTime CreatedAt, DateTime? StartedAt, DateTime? FinishedAt,
    string? Error, string Model, IReadOnlyList<MapMethod> Methods, EvalDatasetKind? Dataset, string Folder, int? Limit, bool? Pamr,
    int? ShortSide, int? ItemsDone, int? ItemsTotal, EvalReport? Report)
{
    public bool IsFinished => Status is nameof(JobRunStatus.Succeeded) or nameof(JobRunStatus.CompletedWithErrors)
        or nameof(JobRunStatus.Failed) or nameof(JobRunStatus.Cancelled);

    /// <summary>0..1 of the images scored (resumed ones included); 1 once it succeeded.</summary>
    public double Overall => Status == nameof(JobRunStatus.Succeeded) ? 1
        : ItemsTotal is > 0 ? Math.Min(1, (double)(ItemsDone ?? 0) / ItemsTotal.Value) : 0;

    /// <summary>From its start to its end (or now, while it runs); null before it started.</summary>
    public TimeSpan? Duration(DateTime now) => StartedAt is { } start ? (FinishedAt ?? now) - start : null;

    /// <summary>The method's scores in the report; null when the eval has no report or did not score it.</summary>
    public SegmentationScores? ScoresOf(MapMethod method) => Report?.Methods.FirstOrDefault(m => m.Method == method)?.Scores;
}
