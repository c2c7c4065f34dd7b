namespace ClipSurgeryWeb.Data;

public enum JobRunStatus
{
    Queued,
    Running,
    Succeeded,
    /// <summary>Finished, but some images failed (each records its reason).</summary>
    CompletedWithErrors,
    Failed,
    Cancelled,
}
