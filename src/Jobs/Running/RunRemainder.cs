namespace ClipSurgeryWeb.Jobs.Running;

/// <summary>
/// The unfinished (pending or running) images of a run and how many of them another job holds a live lease on
/// (<see cref="ImageLeases.Remainder"/>). The rest can be claimed now.
/// </summary>
public readonly record struct RunRemainder(int Unfinished, int HeldByOthers)
{
    public bool AllFinished => Unfinished == 0;

    /// <summary>Some unfinished image is free or expired: another pass over the run can claim it.</summary>
    public bool AnyClaimable => Unfinished > HeldByOthers;
}
