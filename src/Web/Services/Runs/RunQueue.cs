using ClipSurgeryWeb.Data;
using ClipSurgeryWeb.Jobs.Running;
using Microsoft.EntityFrameworkCore;

namespace ClipSurgeryWeb.Web.Services.Runs;

/// <summary>
/// Why a run is still Queued, from the runs table: the <c>gpu</c> queue's runs (Explain, Opinions, Batch; downloads
/// have their own queue) that are running, or queued and created earlier, go first. What each is is shown only as far
/// as the asking member may see it.
/// </summary>
public sealed class RunQueue(IDbContextFactory<ClipSurgeryDb> dbs)
{
    private static readonly JobRunKind[] GpuKinds = [JobRunKind.Explain, JobRunKind.Opinions, JobRunKind.Batch];

    /// <returns>Null when the run is not queued (or not visible to <paramref name="who"/>).</returns>
    public async Task<QueuePlace?> PlaceAsync(Requester who, Guid runId, CancellationToken ct = default)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var run = await db.Runs.AsNoTracking().FirstOrDefaultAsync(r => r.Id == runId, ct);
        if (run is null || !run.CanSee(who) || run.Status != JobRunStatus.Queued || !GpuKinds.Contains(run.Kind))
            return null;
        var created = run.CreatedAt;
        var others = await db.Runs.AsNoTracking()
            .Where(r => r.Id != runId && GpuKinds.Contains(r.Kind)
                && (r.Status == JobRunStatus.Running || (r.Status == JobRunStatus.Queued && r.CreatedAt < created)))
            .Include(r => r.Images).ThenInclude(i => i.Image)
            .AsSplitQuery()
            .ToListAsync(ct);
        return Place(who, others);
    }

    /// <summary>The place behind <paramref name="ahead"/>: running runs first (by start), then queued ones by creation.</summary>
    public static QueuePlace Place(Requester who, IEnumerable<JobRun> ahead)
    {
        var ordered = ahead
            .OrderBy(r => r.Status == JobRunStatus.Running ? 0 : 1)
            .ThenBy(r => r.Status == JobRunStatus.Running ? r.StartedAt ?? r.CreatedAt : r.CreatedAt)
            .Select(r => Describe(who, r))
            .ToList();
        return new QueuePlace(ordered.Count + 1, ordered);
    }

    private static RunAhead Describe(Requester who, JobRun run)
    {
        var images = run.Images.OrderBy(i => i.Order).ToList();
        var left = images.Count(i => i.Status is JobImageStatus.Pending or JobImageStatus.Running);
        var running = run.Status == JobRunStatus.Running;
        if (!run.CanSee(who))
            return new RunAhead(true, "", null, images.Count, "", left, running);
        var owner = run.OwnerId == who.UserId ? "you" : run.OwnerName;
        return new RunAhead(false, run.Kind.ToString(), images.FirstOrDefault()?.Image?.FileName, images.Count, owner, left, running);
    }
}
