namespace ClipSurgeryWeb.Data;

/// <summary>One image of a run: its progress, outcome and the reason if it failed.</summary>
public sealed class JobImage
{
    public Guid Id { get; set; }

    public Guid RunId { get; set; }

    public JobRun? Run { get; set; }

    public Guid ImageId { get; set; }

    public UploadedImage? Image { get; set; }

    public int Order { get; set; }

    public JobImageStatus Status { get; set; }

    /// <summary>Step of a batch the image is in ("opinions", "explain", "segment").</summary>
    public string? Stage { get; set; }

    /// <summary>0..1 within this image.</summary>
    public double Progress { get; set; }

    public float? Loss { get; set; }

    public string? BestText { get; set; }

    public string? Error { get; set; }

    public DateTime? StartedAt { get; set; }

    public DateTime? FinishedAt { get; set; }

    public List<ResultFile> Files { get; set; } = [];

    public List<OpinionToken> Tokens { get; set; } = [];
}
