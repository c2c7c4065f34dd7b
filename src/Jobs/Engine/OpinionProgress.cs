namespace ClipSurgeryWeb.Jobs.Engine;

public sealed record OpinionProgress(int Iteration, int Iterations, float Loss, string BestText);
