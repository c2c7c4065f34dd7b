namespace ClipSurgeryWeb.Engine.Maps;

/// <summary>
/// What 0 and 1 of a drawn heatmap stand for: the map's similarities are min–max normalised over the image's tokens
/// (<see cref="SimilarityMap.NormalizeTokens"/>), so 0 is <see cref="Min"/> and 1 is <see cref="Max"/> of that one map,
/// in the similarity's own units (cosine for plain CLIP, the surgery similarity for the others).
/// </summary>
public readonly record struct MapRange(float Min, float Max);
