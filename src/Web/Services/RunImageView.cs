using ClipSurgeryWeb.Engine.Pipeline;

namespace ClipSurgeryWeb.Web.Services;

public sealed record RunImageView(
    Guid Id, Guid ImageId, string FileName, string ImageUrl, string Status, string? Stage, double Progress, float? Loss,
    string? BestText, string? Error, IReadOnlyList<FileView> Files, IReadOnlyList<TokenView> Tokens,
    IReadOnlyList<LabelScore>? Scores = null, DateTime? StartedAt = null, DateTime? FinishedAt = null)
{
    /// <summary>CLIP's zero-shot ranking of the run's labels for this image, most probable first; empty until computed.</summary>
    public IReadOnlyList<LabelScore> LabelScores => Scores ?? [];

    /// <summary>What pages show of the image; <see cref="ImageUrl"/> is the original.</summary>
    public string ThumbnailUrl => Urls.Thumbnail(ImageId);
}
