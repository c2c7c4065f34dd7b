namespace ClipSurgeryWeb.Engine.Evaluation;

/// <summary>A label map: one class id (or the ignore index) per pixel, row-major, <c>Width × Height</c> values.</summary>
public sealed record LabelMap(int Width, int Height, byte[] Values);
