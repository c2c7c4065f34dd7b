using ClipSurgeryWeb.Engine.Hosting;

namespace ClipSurgeryWeb.Jobs.Engine;

/// <param name="Precision">Auto = the engine's default (its settings' precision).</param>
public sealed record OpinionSpec(string ModelPath, int Iterations = 400, int Batch = 16, int Tokens = 5, int Views = 64, int? Seed = null,
    Precision Precision = Precision.Auto);
