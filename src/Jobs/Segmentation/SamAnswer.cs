using ClipSurgeryWeb.Engine.Segmentation;

namespace ClipSurgeryWeb.Jobs.Segmentation;

/// <summary>
/// One prompt's answer: SAM's best mask of three (<see cref="Mask"/>), whether the image had to be encoded for it
/// (false when the kept embedding answered), and how long the whole call took.
/// </summary>
public sealed record SamAnswer(SegmentResult Mask, bool Encoded, TimeSpan Took);
