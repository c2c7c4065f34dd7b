using ClipSurgeryWeb.Data;

namespace ClipSurgeryWeb.Web.Services;

public sealed record RunView(
    Guid Id, string Kind, string Status, string OwnerId, string OwnerName, bool Shared, DateTime CreatedAt, DateTime? StartedAt,
    DateTime? FinishedAt, string? Error, RunSettings Settings, long? BytesDone, long? BytesTotal, IReadOnlyList<RunImageView> Images)
{
    public bool IsFinished => Status is nameof(JobRunStatus.Succeeded) or nameof(JobRunStatus.CompletedWithErrors)
        or nameof(JobRunStatus.Failed) or nameof(JobRunStatus.Cancelled);

    /// <summary>0..1 over the whole run.</summary>
    public double Overall => Kind == nameof(JobRunKind.Download)
        ? (BytesTotal is > 0 ? (double)(BytesDone ?? 0) / BytesTotal.Value : IsFinished ? 1 : 0)
        : Images.Count == 0 ? 0 : Images.Sum(i => i.Status is "Done" or "Failed" ? 1 : i.Progress) / Images.Count;

    public string Zip => $"/api/runs/{Id}/zip";
}
