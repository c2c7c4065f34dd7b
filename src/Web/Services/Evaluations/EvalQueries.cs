using ClipSurgeryWeb.Data;
using ClipSurgeryWeb.Jobs.Evaluation;
using ClipSurgeryWeb.Jobs.Running;
using Microsoft.EntityFrameworkCore;

namespace ClipSurgeryWeb.Web.Services.Evaluations;

/// <summary>The evals a member may see (evals are the team's: every member sees them), newest first, with their reports read back.</summary>
/// <param name="datasets">To show dataset folders relative to the datasets root; without it, by their last part.</param>
public sealed class EvalQueries(IDbContextFactory<ClipSurgeryDb> dbs, DatasetFolders? datasets = null)
{
    public async Task<IReadOnlyList<EvalRunView>> ListAsync(Requester who, int take = 200, CancellationToken ct = default)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var runs = await db.Runs.VisibleTo(who).AsNoTracking()
            .Where(r => r.Kind == JobRunKind.Evaluation)
            .OrderByDescending(r => r.CreatedAt).Take(take)
            .ToListAsync(ct);
        return runs.Select(ToView).ToList();
    }

    public async Task<EvalRunView?> GetAsync(Requester who, Guid runId, CancellationToken ct = default)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var run = await db.Runs.AsNoTracking().FirstOrDefaultAsync(r => r.Id == runId && r.Kind == JobRunKind.Evaluation, ct);
        return run is null || !run.CanSee(who) ? null : ToView(run);
    }

    private EvalRunView ToView(JobRun run)
    {
        var settings = run.Settings;
        var folder = datasets?.Shown(settings.DatasetFolder)
                     ?? (settings.DatasetFolder is { Length: > 0 } f ? Path.GetFileName(Path.TrimEndingDirectorySeparator(f)) : "?");
        return new EvalRunView(run.Id, run.Status.ToString(), run.OwnerId, run.OwnerName, run.CreatedAt, run.StartedAt, run.FinishedAt,
            run.Error, settings.ModelName ?? "?", settings.LabelMethods, settings.Dataset, folder, settings.Limit, settings.Pamr,
            settings.ShortSide, run.ItemsDone, run.ItemsTotal, EvalReportJson.Read(run.ReportJson));
    }
}
