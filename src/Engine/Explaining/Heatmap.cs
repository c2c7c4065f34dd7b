using ClipSurgeryWeb.Engine.Points;

namespace ClipSurgeryWeb.Engine.Explaining;

/// <summary>
/// One target's map at the image's own size: <see cref="Values"/> row-major <c>[H, W]</c> in [0, 1] (the
/// reference's normalised similarity map), and for single-label Surgery the SAM point prompt.
/// </summary>
public sealed record Heatmap(ExplainMode Mode, string Target, int Height, int Width, float[] Values, SamPrompt? Points, int Resolution);
