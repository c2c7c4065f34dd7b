using ClipSurgeryWeb.Engine.Points;

namespace ClipSurgeryWeb.Engine.Segmentation;

/// <summary>SAM's best mask for one target: <see cref="Mask"/> row-major <c>[H, W]</c> of 0/1, its predicted IoU score, and the prompt.</summary>
public sealed record SegmentResult(string Target, SamPrompt Prompt, byte[] Mask, float Score, int Height, int Width);
