namespace ClipSurgeryWeb.Engine.Checkpoints;

/// <summary>A released checkpoint: its name, pinned download address, SHA-256 and the input size it was trained at.</summary>
public sealed record OfficialModel(string Name, Uri Url, string? Sha256, int InputResolution, string Kind)
{
    /// <summary>The file name the download is stored under in the models folder (the URL's last segment).</summary>
    public string FileName => Url.Segments[^1];
}
