namespace ClipSurgeryWeb.Web.Services;

public sealed record RunImageView(
    Guid Id, Guid ImageId, string FileName, string ImageUrl, string Status, string? Stage, double Progress, float? Loss,
    string? BestText, string? Error, IReadOnlyList<FileView> Files, IReadOnlyList<TokenView> Tokens)
{
    /// <summary>What pages show of the image; <see cref="ImageUrl"/> is the original.</summary>
    public string ThumbnailUrl => Urls.Thumbnail(ImageId);
}
