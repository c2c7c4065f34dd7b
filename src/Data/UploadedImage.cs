namespace ClipSurgeryWeb.Data;

/// <summary>An image a member uploaded, stored as uploads/&lt;Id&gt;&lt;Extension&gt; in the data folder.</summary>
public sealed class UploadedImage
{
    public Guid Id { get; set; }

    public required string OwnerId { get; set; }

    public required string OwnerName { get; set; }

    public required string FileName { get; set; }

    public required string Extension { get; set; }

    public required string ContentType { get; set; }

    public long SizeBytes { get; set; }

    /// <summary>SHA-256 of the file (64 lower-case hex digits): a member's identical uploads are stored once. Null for uploads made before it existed.</summary>
    public string? ContentHash { get; set; }

    public int Width { get; set; }

    public int Height { get; set; }

    public DateTime CreatedAt { get; set; }
}
