using ClipSurgeryWeb.Engine.Hosting;

namespace ClipSurgeryWeb.Jobs.Engine;

/// <summary>The models a run computes with: a CLIP checkpoint in a precision (auto = the engine's default) and, for masks, a SAM checkpoint (always fp32).</summary>
public sealed record EngineModels(string ClipModelPath, string? SamModelPath = null, Precision Precision = Precision.Auto);
