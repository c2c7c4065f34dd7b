namespace ClipSurgeryWeb.Data;

/// <summary>A word of an image's accumulated opinion list; the word world records are computed from these.</summary>
public sealed class OpinionWord
{
    public long Id { get; set; }

    public Guid RunId { get; set; }

    public Guid JobImageId { get; set; }

    public Guid ImageId { get; set; }

    public required string Word { get; set; }

    /// <summary>In code points (<see cref="Records.WordRecordBoard.Length"/>).</summary>
    public int Length { get; set; }

    public required string ModelName { get; set; }

    public required string OwnerId { get; set; }

    public required string OwnerName { get; set; }

    public DateTime FoundAt { get; set; }
}
