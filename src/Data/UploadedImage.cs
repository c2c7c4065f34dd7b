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

    public int Width { get; set; }

    public int Height { get; set; }

    public DateTime CreatedAt { get; set; }
}
