namespace ClipSurgeryWeb.Engine.Segmentation;

/// <summary>
/// One official Segment Anything checkpoint: where to download it, its SHA256, and the encoder it holds
/// (<c>build_sam.py</c>'s table).
/// </summary>
/// <param name="Name">registry name: vit_h, vit_l, vit_b</param>
/// <param name="FileName">the published file name</param>
/// <param name="Url">download URL</param>
/// <param name="Sha256">lower-case hex SHA256 of the file, or null when no trustworthy value is known (then the file is checked by loading only)</param>
/// <param name="EncoderEmbedDim">image encoder width</param>
/// <param name="EncoderDepth">image encoder blocks</param>
/// <param name="EncoderNumHeads">image encoder heads</param>
/// <param name="EncoderGlobalAttnIndexes">blocks with global attention</param>
public sealed record SamCheckpoint(
    string Name,
    string FileName,
    Uri Url,
    string? Sha256,
    int EncoderEmbedDim,
    int EncoderDepth,
    int EncoderNumHeads,
    IReadOnlyList<int> EncoderGlobalAttnIndexes);
