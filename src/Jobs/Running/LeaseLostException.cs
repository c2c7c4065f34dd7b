namespace ClipSurgeryWeb.Jobs.Running;

/// <summary>
/// This job's lease on an image expired and another worker took the image over (<see cref="ImageLeases.RenewIfDue"/>):
/// this one stops computing it and leaves its outcome to the new holder.
/// </summary>
public sealed class LeaseLostException(Guid jobImageId, string holder)
    : Exception($"the lease of {holder} on image {jobImageId} expired and another worker took the image over")
{
    public Guid JobImageId { get; } = jobImageId;
}
