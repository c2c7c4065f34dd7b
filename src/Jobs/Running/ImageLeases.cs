using ClipSurgeryWeb.Data;
using ClipSurgeryWeb.Hosting.Options;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace ClipSurgeryWeb.Jobs.Running;

/// <summary>
/// One job execution's claims on the images of a run (<see cref="JobImage.ClaimedBy"/>, <see cref="JobImage.LeaseUntil"/>).
/// Several jobs may work on one run at once: helpers on other machines, or a job Hangfire handed out again while the first
/// still runs. Each image is computed by whoever wins its claim, a single conditional UPDATE that only one can win; the
/// holder renews it while working and releases it when the image is done, failed or put back. A claim nobody renews
/// (a killed worker) expires after <see cref="JobServerOptions.LeaseDuration"/> and is taken over.
/// Every write is a conditional update in the database, never a tracked entity, so stale copies cannot undo a claim.
/// </summary>
public sealed class ImageLeases
{
    private readonly ClipSurgeryDb _db;
    private readonly LeaseTerms _terms;

    public ImageLeases(ClipSurgeryDb db, TimeProvider time, IOptions<ClipSurgeryOptions> options)
    {
        _db = db;
        _terms = new LeaseTerms(time, options);
    }

    /// <summary>Who claims (<see cref="LeaseTerms.Holder"/>).</summary>
    public string Holder => _terms.Holder;

    /// <summary>How often a holder renews (<see cref="LeaseTerms.RenewEvery"/>).</summary>
    public TimeSpan RenewEvery => _terms.RenewEvery;

    /// <summary>How often a job whose remaining images are all held by others looks again (done, or expired to take over).</summary>
    public TimeSpan CheckOthersEvery => TimeSpan.FromTicks(Math.Clamp(_terms.Duration.Ticks / 4, TimeSpan.FromSeconds(1).Ticks, TimeSpan.FromSeconds(15).Ticks));

    /// <summary>
    /// Claims the image for this holder when it is unfinished (pending or running), its run is not being cancelled, and no
    /// one else holds a live lease on it (free, expired, or already this holder's). True when this holder now has it.
    /// </summary>
    public bool TryClaim(Guid jobImageId)
    {
        var now = _terms.Now;
        var until = now + _terms.Duration;
        var holder = Holder;
        var claimed = _db.RunImages
            .Where(i => i.Id == jobImageId
                        && (i.Status == JobImageStatus.Pending || i.Status == JobImageStatus.Running)
                        && (i.ClaimedBy == null || i.LeaseUntil < now || i.ClaimedBy == holder)
                        && !_db.Runs.Any(r => r.Id == i.RunId && r.CancelRequested))
            .ExecuteUpdate(s => s.SetProperty(i => i.ClaimedBy, holder).SetProperty(i => i.LeaseUntil, until));
        if (claimed == 1)
            _terms.Renewed(jobImageId);
        return claimed == 1;
    }

    /// <summary>
    /// Extends this holder's lease when <see cref="RenewEvery"/> has passed since the last claim or renewal (cheap to call
    /// on every progress report). Throws <see cref="LeaseLostException"/> when the lease is no longer this holder's: it
    /// expired and another worker took the image over, so this one must stop computing it.
    /// </summary>
    public void RenewIfDue(Guid jobImageId)
    {
        if (!_terms.RenewalDue(jobImageId))
            return;
        var until = _terms.Now + _terms.Duration;
        var holder = Holder;
        var renewed = _db.RunImages
            .Where(i => i.Id == jobImageId && i.ClaimedBy == holder)
            .ExecuteUpdate(s => s.SetProperty(i => i.LeaseUntil, until));
        if (renewed != 1)
            throw new LeaseLostException(jobImageId, holder);
        _terms.Renewed(jobImageId);
    }

    /// <summary>Gives the image up (done, failed, cancelled or put back to pending); a no-op when another holds it now.</summary>
    public void Release(Guid jobImageId)
    {
        var holder = Holder;
        _db.RunImages
            .Where(i => i.Id == jobImageId && i.ClaimedBy == holder)
            .ExecuteUpdate(s => s.SetProperty(i => i.ClaimedBy, (string?)null).SetProperty(i => i.LeaseUntil, (DateTime?)null));
        _terms.Forget(jobImageId);
    }

    /// <summary>What is left of a run, read from the database: its unfinished images and whether another holds each live.</summary>
    public RunRemainder Remainder(Guid runId)
    {
        var now = _terms.Now;
        var holder = Holder;
        var unfinished = _db.RunImages.AsNoTracking()
            .Where(i => i.RunId == runId && (i.Status == JobImageStatus.Pending || i.Status == JobImageStatus.Running))
            .Select(i => new { i.ClaimedBy, i.LeaseUntil })
            .ToList();
        var heldByOthers = unfinished.Count(i => i.ClaimedBy != null && i.ClaimedBy != holder && i.LeaseUntil >= now);
        return new RunRemainder(unfinished.Count, heldByOthers);
    }
}
