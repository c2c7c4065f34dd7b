namespace ClipSurgeryWeb.Data;

/// <summary>A token CLIP found for an image, with how often it came up.</summary>
public sealed class OpinionToken
{
    public long Id { get; set; }

    public Guid JobImageId { get; set; }

    public required string Token { get; set; }

    public int Frequency { get; set; }
}
