using System.Text.Json.Serialization;
using ClipSurgeryWeb.Data;
using ClipSurgeryWeb.Engine.Evaluation;

namespace ClipSurgeryWeb.Web.Services;

/// <summary>A run as pages show it.</summary>
/// <param name="ItemsDone">For evaluations (which have no <paramref name="Images"/>): dataset images scored so far.</param>
/// <param name="ItemsTotal">For evaluations: how many images the eval scores; null until it opened its dataset.</param>
/// <param name="Report">For evaluations: the finished eval's report; null before it succeeded. Left out of the API's JSON
/// (<c>/api/runs</c>): its NaN scores (classes without pixels) are not JSON numbers, and the report has its own page.</param>
public sealed record RunView(
    Guid Id, string Kind, string Status, string OwnerId, string OwnerName, bool Shared, DateTime CreatedAt, DateTime? StartedAt,
    DateTime? FinishedAt, string? Error, RunSettings Settings, long? BytesDone, long? BytesTotal, IReadOnlyList<RunImageView> Images,
    int? ItemsDone = null, int? ItemsTotal = null, [property: JsonIgnore] EvalReport? Report = null)
{
    public bool IsFinished => Status is nameof(JobRunStatus.Succeeded) or nameof(JobRunStatus.CompletedWithErrors)
        or nameof(JobRunStatus.Failed) or nameof(JobRunStatus.Cancelled);

    /// <summary>An eval: its progress is <see cref="ItemsDone"/> of <see cref="ItemsTotal"/>, its outcome <see cref="Report"/>.</summary>
    public bool IsEvaluation => Kind == nameof(JobRunKind.Evaluation);

    /// <summary>0..1 over the whole run: bytes of a download, images scored of an eval, images processed otherwise.</summary>
    public double Overall => Kind switch
    {
        nameof(JobRunKind.Download) => BytesTotal is > 0 ? (double)(BytesDone ?? 0) / BytesTotal.Value : IsFinished ? 1 : 0,
        nameof(JobRunKind.Evaluation) => Status == nameof(JobRunStatus.Succeeded) ? 1
            : ItemsTotal is > 0 ? Math.Min(1, (double)(ItemsDone ?? 0) / ItemsTotal.Value) : 0,
        _ => Images.Count == 0 ? 0 : Images.Sum(i => i.Status is "Done" or "Failed" ? 1 : i.Progress) / Images.Count,
    };

    public string Zip => $"/api/runs/{Id}/zip";
}
