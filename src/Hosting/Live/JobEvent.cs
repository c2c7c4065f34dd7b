using ClipSurgeryWeb.Data;

namespace ClipSurgeryWeb.Hosting.Live;

/// <summary>
/// One live update. Flat on purpose: it crosses the wire from remote workers to the web app's hub and from the hub to
/// browsers. <see cref="OwnerId"/> and <see cref="Shared"/> decide who may see it.
/// </summary>
public sealed record JobEvent
{
    public required JobEventKind Kind { get; init; }

    public Guid RunId { get; init; }

    public string OwnerId { get; init; } = "";

    public bool Shared { get; init; }

    public string? RunStatus { get; init; }

    public Guid? JobImageId { get; init; }

    public string? ImageStatus { get; init; }

    public string? Stage { get; init; }

    /// <summary>0..1 within the image.</summary>
    public double? Progress { get; init; }

    /// <summary>0..1 over the whole run.</summary>
    public double? Overall { get; init; }

    public int? Iteration { get; init; }

    public int? Iterations { get; init; }

    public float? Loss { get; init; }

    public string? BestText { get; init; }

    public Guid? FileId { get; init; }

    public string? FileName { get; init; }

    /// <summary>An image's failure reason, or the words of new records.</summary>
    public string? Message { get; init; }

    public DateTime At { get; init; } = DateTime.UtcNow;

    public static JobEvent For(JobRun run, JobEventKind kind) => new()
    {
        Kind = kind,
        RunId = run.Id,
        OwnerId = run.OwnerId,
        Shared = run.Shared,
        RunStatus = run.Status.ToString(),
    };

    /// <summary>
    /// Whether a user may see this event: models are team-wide; everything about a run, its new records included,
    /// follows the run's visibility (shared: the team; private: its owner and admins).
    /// </summary>
    public bool IsVisibleTo(string userId, bool isAdmin) =>
        Kind is JobEventKind.ModelsChanged || ClipSurgeryWeb.Data.Visibility.RunVisibility.Allows(Shared, OwnerId, userId, isAdmin);
}
