namespace ClipSurgeryWeb.Engine.Explaining;

/// <summary>Every map drawn for one image.</summary>
public sealed record Explanation(int Height, int Width, IReadOnlyList<Heatmap> Maps);
