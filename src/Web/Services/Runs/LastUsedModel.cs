using ClipSurgeryWeb.Data;
using ClipSurgeryWeb.Jobs.Engine;
using ClipSurgeryWeb.Jobs.Running;
using Microsoft.EntityFrameworkCore;

namespace ClipSurgeryWeb.Web.Services.Runs;

/// <summary>
/// The CLIP model a page preselects: the one of the member's most recent run that is still installed, else the first
/// installed one, so the picker is never empty while a model exists (with two or more installed it used to be, and Run
/// then failed).
/// </summary>
public sealed class LastUsedModel(IDbContextFactory<ClipSurgeryDb> dbs)
{
    /// <summary>Runs looked at, newest first: enough to skip a few with a removed model, bounded for the page's load.</summary>
    public const int RunsLookedAt = 50;

    public async Task<string?> ChooseAsync(Requester who, IReadOnlyList<InstalledModel> installed, CancellationToken ct = default)
    {
        // Nothing to choose between: no need to read the runs.
        if (installed.Count <= 1)
            return installed.FirstOrDefault()?.Name;
        await using var db = await dbs.CreateDbContextAsync(ct);
        // The settings are JSON (not queryable on every provider): the recent runs are read and their models compared here.
        var recent = await db.Runs.AsNoTracking()
            .Where(r => r.OwnerId == who.UserId && r.Kind != JobRunKind.Download)
            .OrderByDescending(r => r.CreatedAt)
            .Take(RunsLookedAt)
            .ToListAsync(ct);
        return Choose(recent.Select(r => r.Settings.ModelName), installed);
    }

    /// <summary>The first of <paramref name="recentFirst"/> that is installed, else the first installed model.</summary>
    public static string? Choose(IEnumerable<string?> recentFirst, IReadOnlyList<InstalledModel> installed) =>
        recentFirst.FirstOrDefault(name => name is not null && installed.Any(m => m.Name == name))
        ?? installed.FirstOrDefault()?.Name;
}
