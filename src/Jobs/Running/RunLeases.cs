using ClipSurgeryWeb.Data;
using ClipSurgeryWeb.Hosting.Options;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace ClipSurgeryWeb.Jobs.Running;

/// <summary>
/// One job execution's claim on a whole run (<see cref="JobRun.ClaimedBy"/>, <see cref="JobRun.LeaseUntil"/>), for work
/// that is one engine call on one folder and so cannot be shared out image by image as <see cref="ImageLeases"/> does:
/// an eval. A job Hangfire handed out again while the first still runs, or a second worker, finds the live claim and
/// leaves the run alone; the holder renews it while working and releases it when it stops. A claim nobody renews (a
/// killed worker) expires after <see cref="JobServerOptions.LeaseDuration"/>, and the next job takes the run over.
/// Every write is a conditional update in the database, never a tracked entity, so stale copies cannot undo a claim.
/// </summary>
public sealed class RunLeases
{
    private readonly ClipSurgeryDb _db;
    private readonly LeaseTerms _terms;

    public RunLeases(ClipSurgeryDb db, TimeProvider time, IOptions<ClipSurgeryOptions> options)
    {
        _db = db;
        _terms = new LeaseTerms(time, options);
    }

    /// <summary>Who claims (<see cref="LeaseTerms.Holder"/>).</summary>
    public string Holder => _terms.Holder;

    /// <summary>How often a holder renews (<see cref="LeaseTerms.RenewEvery"/>).</summary>
    public TimeSpan RenewEvery => _terms.RenewEvery;

    /// <summary>
    /// Claims the run for this holder when it is unfinished (queued or running) and no one else holds a live lease on it
    /// (free, expired, or already this holder's). True when this holder now has it.
    /// </summary>
    public bool TryClaim(Guid runId)
    {
        var now = _terms.Now;
        var until = now + _terms.Duration;
        var holder = Holder;
        var claimed = _db.Runs
            .Where(r => r.Id == runId
                        && (r.Status == JobRunStatus.Queued || r.Status == JobRunStatus.Running)
                        && (r.ClaimedBy == null || r.LeaseUntil < now || r.ClaimedBy == holder))
            .ExecuteUpdate(s => s.SetProperty(r => r.ClaimedBy, holder).SetProperty(r => r.LeaseUntil, until));
        if (claimed == 1)
            _terms.Renewed(runId);
        return claimed == 1;
    }

    /// <summary>
    /// Extends this holder's lease when <see cref="RenewEvery"/> has passed since the last claim or renewal (cheap to call
    /// on every progress report). False when the run is no longer this holder's: the lease expired and another job took
    /// the run over, so this one must stop and leave the run's state and outcome to it.
    /// </summary>
    public bool RenewIfDue(Guid runId)
    {
        if (!_terms.RenewalDue(runId))
            return true;
        var until = _terms.Now + _terms.Duration;
        var holder = Holder;
        var renewed = _db.Runs
            .Where(r => r.Id == runId && r.ClaimedBy == holder)
            .ExecuteUpdate(s => s.SetProperty(r => r.LeaseUntil, until));
        if (renewed != 1)
        {
            _terms.Forget(runId);
            return false;
        }
        _terms.Renewed(runId);
        return true;
    }

    /// <summary>Gives the run up (ended, or interrupted for the next job to resume); a no-op when another holds it now.</summary>
    public void Release(Guid runId)
    {
        var holder = Holder;
        _db.Runs
            .Where(r => r.Id == runId && r.ClaimedBy == holder)
            .ExecuteUpdate(s => s.SetProperty(r => r.ClaimedBy, (string?)null).SetProperty(r => r.LeaseUntil, (DateTime?)null));
        _terms.Forget(runId);
    }
}
