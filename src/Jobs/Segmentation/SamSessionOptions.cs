namespace ClipSurgeryWeb.Jobs.Segmentation;

/// <summary>
/// How many image embeddings the interactive SAM page keeps (<c>ClipSurgery:Sam</c>): each holds a SAM model's
/// <c>[1, 256, 64, 64]</c> features of one image (4 MB in fp32) and keeps its model loaded, so both are bounded.
/// </summary>
public sealed class SamSessionOptions
{
    public const string Section = "ClipSurgery:Sam";

    /// <summary>Embeddings kept at once; the least recently prompted one goes first.</summary>
    public int MaxSessions { get; set; } = 4;

    /// <summary>An embedding not prompted for this long is freed (sliding: every prompt restarts it).</summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromMinutes(10);
}
