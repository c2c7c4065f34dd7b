using ClipSurgeryWeb.Engine.Pipeline;

namespace ClipSurgeryWeb.Engine.Explaining;

/// <summary>Every map drawn for one image and, for a request with labels, CLIP's zero-shot ranking of them (most probable first).</summary>
public sealed record Explanation(int Height, int Width, IReadOnlyList<Heatmap> Maps, IReadOnlyList<LabelScore>? Scores = null);
