using System.Text.Json;

namespace ClipSurgeryWeb.Data;

/// <summary>One request for background work (explain, opinions, batch, download, evaluation) and its durable state.</summary>
public sealed class JobRun
{
    public Guid Id { get; set; }

    public JobRunKind Kind { get; set; }

    public JobRunStatus Status { get; set; }

    public required string OwnerId { get; set; }

    public required string OwnerName { get; set; }

    /// <summary>Visible to the whole team (default), or only to its owner and admins.</summary>
    public bool Shared { get; set; } = true;

    public string SettingsJson { get; set; } = "{}";

    public string? HangfireJobId { get; set; }

    public bool CancelRequested { get; set; }

    public string? Error { get; set; }

    /// <summary>Bytes done/total for downloads.</summary>
    public long? BytesDone { get; set; }

    public long? BytesTotal { get; set; }

    /// <summary>For evaluations: dataset images scored so far (resumed ones included) and how many the eval takes.</summary>
    public int? ItemsDone { get; set; }

    public int? ItemsTotal { get; set; }

    /// <summary>For evaluations: the finished eval's report (the engine's <c>EvalReport</c> as JSON, as <c>report.json</c>).</summary>
    public string? ReportJson { get; set; }

    /// <summary>
    /// For evaluations: the job execution running the eval now ("machine:process:random"), or null. An eval is one engine
    /// call on one report folder, so the run itself is what one job holds (an image run's jobs claim its images instead).
    /// Set and cleared only by conditional updates (<c>RunLeases</c> in Jobs), so that two jobs never run one eval at once.
    /// </summary>
    public string? ClaimedBy { get; set; }

    /// <summary>Until when <see cref="ClaimedBy"/> holds the run; renewed while the eval runs, taken over by another after it passes.</summary>
    public DateTime? LeaseUntil { get; set; }

    public DateTime CreatedAt { get; set; }

    public DateTime? StartedAt { get; set; }

    public DateTime? FinishedAt { get; set; }

    public List<JobImage> Images { get; set; } = [];

    public RunSettings Settings
    {
        get => JsonSerializer.Deserialize<RunSettings>(SettingsJson) ?? new RunSettings();
        set => SettingsJson = JsonSerializer.Serialize(value);
    }

    public bool IsFinished => Status is JobRunStatus.Succeeded or JobRunStatus.CompletedWithErrors or JobRunStatus.Failed or JobRunStatus.Cancelled;
}
