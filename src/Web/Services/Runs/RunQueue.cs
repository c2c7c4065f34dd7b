using ClipSurgeryWeb.Data;
using ClipSurgeryWeb.Jobs.Running;
using Microsoft.EntityFrameworkCore;

namespace ClipSurgeryWeb.Web.Services.Runs;

/// <summary>
/// Why a run is still Queued, from the runs table: the <c>gpu</c> queue's runs (Explain, Opinions, Batch, Evaluation;
/// downloads have their own queue) that are running, or queued and created earlier, go first. What each is is shown only
/// as far as the asking member may see it; an eval by its benchmark and the dataset images it has left to score.
/// </summary>
public sealed class RunQueue(IDbContextFactory<ClipSurgeryDb> dbs)
{
    /// <summary>The kinds whose jobs run on the <c>gpu</c> queue (EvalJob included), so they wait for one another.</summary>
    private static readonly JobRunKind[] GpuKinds = [JobRunKind.Explain, JobRunKind.Opinions, JobRunKind.Batch, JobRunKind.Evaluation];

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
        if (run.Kind == JobRunKind.Evaluation)
            return DescribeEval(who, run);
        var images = run.Images.OrderBy(i => i.Order).ToList();
        var left = images.Count(i => i.Status is JobImageStatus.Pending or JobImageStatus.Running);
        var running = run.Status == JobRunStatus.Running;
        if (!run.CanSee(who))
            return new RunAhead(true, "", null, images.Count, "", left, running);
        var owner = run.OwnerId == who.UserId ? "you" : run.OwnerName;
        return new RunAhead(false, run.Kind.ToString(), images.FirstOrDefault()?.Image?.FileName, images.Count, owner, left, running);
    }

    /// <summary>An eval has no images of its own: what it has left is its dataset images not yet scored.</summary>
    private static RunAhead DescribeEval(Requester who, JobRun run)
    {
        int? left = run.ItemsTotal is { } total ? Math.Max(0, total - (run.ItemsDone ?? 0)) : null;
        var running = run.Status == JobRunStatus.Running;
        if (!run.CanSee(who))
            return new RunAhead(true, "", null, 0, "", left, running);
        var owner = run.OwnerId == who.UserId ? "you" : run.OwnerName;
        var dataset = run.Settings.Dataset is { } d ? Evaluations.EvalDatasets.Label(d) : "?";
        return new RunAhead(false, run.Kind.ToString(), null, 0, owner, left, running, dataset);
    }
}
