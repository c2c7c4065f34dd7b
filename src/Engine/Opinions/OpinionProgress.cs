namespace ClipSurgeryWeb.Engine.Opinions;

/// <summary>
/// Reported after every step: <see cref="Iteration"/> steps of <see cref="Iterations"/> done, that step's batch-mean
/// loss, and the best sample of the latest check-in (<see cref="CheckIn"/> is set on the step that made it).
/// </summary>
public sealed record OpinionProgress(int Iteration, int Iterations, float Loss, string BestText, float BestLoss, CheckIn? CheckIn)
{
    public double Fraction => (double)Iteration / Iterations;
}
