using ClipSurgeryWeb.Engine.Hosting;

namespace ClipSurgeryWeb.Jobs.Engine;

/// <param name="Precision">The CLIP model's (auto = the engine's default); SAM always runs fp32.</param>
public sealed record SegmentSpec(string ClipModelPath, string SamModelPath, IReadOnlyList<string> Targets, Precision Precision = Precision.Auto);
