namespace ClipSurgeryWeb.Engine.Segmentation;

/// <summary>
/// The official Segment Anything checkpoints (facebookresearch/segment-anything README, "Model Checkpoints").
/// </summary>
/// <remarks>
/// Meta publishes no checksums. The SHA256 values are those other projects verify their downloads against, and
/// several independent ones agree: micro-sam's pooch registry (computational-cell-analytics/micro-sam,
/// <c>micro_sam/util.py</c>, which refuses a file with another hash), and download scripts and Dockerfiles that
/// run <c>sha256sum -c</c> on these URLs. A file that does not match is not the published one.
/// </remarks>
public static class SamCatalog
{
    public static SamCheckpoint VitH { get; } = new(
        "vit_h",
        "sam_vit_h_4b8939.pth",
        new Uri("https://dl.fbaipublicfiles.com/segment_anything/sam_vit_h_4b8939.pth"),
        "a7bf3b02f3ebf1267aba913ff637d9a2d5c33d3173bb679e46d9f338c26f262e",
        EncoderEmbedDim: 1280, EncoderDepth: 32, EncoderNumHeads: 16, EncoderGlobalAttnIndexes: [7, 15, 23, 31]);

    public static SamCheckpoint VitL { get; } = new(
        "vit_l",
        "sam_vit_l_0b3195.pth",
        new Uri("https://dl.fbaipublicfiles.com/segment_anything/sam_vit_l_0b3195.pth"),
        "3adcc4315b642a4d2101128f611684e8734c41232a17c648ed1693702a49a622",
        EncoderEmbedDim: 1024, EncoderDepth: 24, EncoderNumHeads: 16, EncoderGlobalAttnIndexes: [5, 11, 17, 23]);

    public static SamCheckpoint VitB { get; } = new(
        "vit_b",
        "sam_vit_b_01ec64.pth",
        new Uri("https://dl.fbaipublicfiles.com/segment_anything/sam_vit_b_01ec64.pth"),
        "ec2df62732614e57411cdcf32a23ffdf28910380d03139ee0f4fcbe91eb8c912",
        EncoderEmbedDim: 768, EncoderDepth: 12, EncoderNumHeads: 12, EncoderGlobalAttnIndexes: [2, 5, 8, 11]);

    /// <summary>All official checkpoints, largest first (vit_h is the reference's default).</summary>
    public static IReadOnlyList<SamCheckpoint> All { get; } = [VitH, VitL, VitB];

    /// <summary>The checkpoint called <paramref name="name"/> (vit_h, vit_l, vit_b; "default" is vit_h), or null.</summary>
    public static SamCheckpoint? Find(string name) =>
        name == "default" ? VitH : All.FirstOrDefault(c => string.Equals(c.Name, name, StringComparison.OrdinalIgnoreCase));
}
