using System.Text.Json;
using ClipSurgeryWeb.Engine.Pipeline;

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

    /// <summary>
    /// The job execution computing this image now ("machine:process:random", one per job execution), or null. Set and
    /// cleared only by conditional updates (<c>ImageLeases</c> in Jobs), so that two workers never compute one image.
    /// </summary>
    public string? ClaimedBy { get; set; }

    /// <summary>Until when <see cref="ClaimedBy"/> holds the image; renewed while it works, taken over by another after it passes.</summary>
    public DateTime? LeaseUntil { get; set; }

    /// <summary>CLIP's zero-shot ranking of the run's labels for this image, as JSON (<see cref="Scores"/>); null until computed.</summary>
    public string? ScoresJson { get; set; }

    /// <summary>The ranking, most probable first; empty until computed (and for runs without labels).</summary>
    public IReadOnlyList<LabelScore> Scores
    {
        get => ScoresJson is null ? [] : JsonSerializer.Deserialize<List<LabelScore>>(ScoresJson) ?? [];
        set => ScoresJson = value.Count == 0 ? null : JsonSerializer.Serialize(value);
    }

    public List<ResultFile> Files { get; set; } = [];

    public List<OpinionToken> Tokens { get; set; } = [];
}
