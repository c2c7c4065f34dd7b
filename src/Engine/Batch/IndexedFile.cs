using ClipSurgeryWeb.Engine.Methods;

namespace ClipSurgeryWeb.Engine.Batch;

/// <summary>
/// One file of an image's <c>runall</c> folder: its name, what it is (<see cref="FileKinds"/>) and, for pictures,
/// the target, the map method (written as its name: <c>cs</c>, <c>plain</c>, <c>single</c>), the input resolution, and the mask's SAM score.
/// </summary>
public sealed record IndexedFile(string Path, string Kind, string? Target = null, MapMethod? Mode = null, int? Resolution = null, float? Score = null);
