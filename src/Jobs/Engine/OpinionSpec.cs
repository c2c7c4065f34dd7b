namespace ClipSurgeryWeb.Jobs.Engine;

public sealed record OpinionSpec(string ModelPath, int Iterations = 400, int Batch = 16, int Tokens = 5, int Views = 64, int? Seed = null);
