using ClipSurgeryWeb.Engine.Hosting;

namespace ClipSurgeryWeb.Jobs.Engine;

/// <param name="Modes">Any of "cs" (Surgery), "plain" (plain CLIP), "single" (single-label Surgery).</param>
/// <param name="Targets">Labels to draw; "a+b" combines several labels into one target.</param>
/// <param name="Precision">Auto = the engine's default (its settings' precision).</param>
public sealed record ExplainSpec(string ModelPath, IReadOnlyList<string> Labels, IReadOnlyList<string> Targets, int? Resolution, IReadOnlyList<string> Modes,
    Precision Precision = Precision.Auto);
