namespace ClipSurgeryWeb.Engine.Opinions;

/// <summary>
/// What a check-in saw (every <see cref="OpinionSettings.CheckInInterval"/> steps, from step 0): every sample, and the
/// token table counted from them.
/// </summary>
public sealed record CheckIn(int Iteration, IReadOnlyList<CheckInSample> Samples, TokenTable Table)
{
    /// <summary>The sample with the lowest loss (the first of equals).</summary>
    public CheckInSample Best => Samples.MinBy(s => s.Loss)!;
}
