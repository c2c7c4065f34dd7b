using System.Text.Json;
using ClipSurgeryWeb.Data;
using ClipSurgeryWeb.Engine.Maps;
using ClipSurgeryWeb.Jobs.Running;
using Microsoft.EntityFrameworkCore;

namespace ClipSurgeryWeb.Web.Services;

/// <summary>Read models of runs for pages and the API, limited to what the requester may see.</summary>
public sealed class RunQueries(IDbContextFactory<ClipSurgeryDb> dbs)
{
    public async Task<RunView?> GetAsync(Requester who, Guid runId, CancellationToken ct = default)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var run = await db.Runs.AsNoTracking()
            .Include(r => r.Images).ThenInclude(i => i.Image)
            .Include(r => r.Images).ThenInclude(i => i.Files)
            .Include(r => r.Images).ThenInclude(i => i.Tokens)
            .AsSplitQuery()
            .FirstOrDefaultAsync(r => r.Id == runId, ct);
        return run is null || !run.CanSee(who) ? null : ToView(run);
    }

    /// <summary>Runs the requester may see, newest first; <paramref name="mineOnly"/> for History.</summary>
    public async Task<IReadOnlyList<RunView>> ListAsync(Requester who, bool mineOnly, IReadOnlyCollection<JobRunKind>? kinds = null,
        int take = 50, CancellationToken ct = default)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var query = mineOnly ? db.Runs.Where(r => r.OwnerId == who.UserId) : db.Runs.VisibleTo(who);
        if (kinds is { Count: > 0 })
            query = query.Where(r => kinds.Contains(r.Kind));
        var ids = await query.OrderByDescending(r => r.CreatedAt).Take(take).Select(r => r.Id).ToListAsync(ct);
        return await LoadAsync(db, ids, ct);
    }

    /// <summary>
    /// One page of History, newest first: a member's own runs, or for an admin everyone's (unless
    /// <see cref="RunFilter.MineOnly"/>), narrowed by <paramref name="filter"/>; with the number of runs that match in all.
    /// </summary>
    /// <remarks>
    /// Status and time are filtered in SQL. Model and label live in the settings' JSON: SQL keeps the runs whose JSON
    /// holds the term as the serializer writes it inside a JSON string (so quotes, '+' and non-ASCII letters, which it
    /// escapes, are found as stored; case is folded for ASCII), and the settings of those are then checked exactly
    /// (<see cref="RunFilter.Matches"/>), since the text may also stand elsewhere in the JSON.
    /// </remarks>
    public async Task<RunPage> PageAsync(Requester who, RunFilter filter, int skip, int take, CancellationToken ct = default)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var query = filter.MineOnly || !who.IsAdmin ? db.Runs.Where(r => r.OwnerId == who.UserId) : db.Runs.VisibleTo(who);
        if (filter.Status is { } status)
            query = query.Where(r => r.Status == status);
        if (filter.From is { } from)
            query = query.Where(r => r.CreatedAt >= from);
        if (filter.Until is { } until)
            query = query.Where(r => r.CreatedAt < until);
        List<Guid> ids;
        int total;
        if (filter.OnSettings)
        {
            foreach (var term in new[] { filter.Model, filter.Label }.Where(t => !string.IsNullOrWhiteSpace(t)))
            {
                var fragment = InJson(term!);
                query = query.Where(r => r.SettingsJson.ToLower().Contains(fragment));
            }
            var candidates = await query.OrderByDescending(r => r.CreatedAt).Select(r => new { r.Id, r.SettingsJson }).ToListAsync(ct);
            var matching = candidates
                .Where(c => filter.Matches(JsonSerializer.Deserialize<RunSettings>(c.SettingsJson) ?? new RunSettings()))
                .Select(c => c.Id)
                .ToList();
            total = matching.Count;
            ids = matching.Skip(skip).Take(take).ToList();
        }
        else
        {
            total = await query.CountAsync(ct);
            ids = await query.OrderByDescending(r => r.CreatedAt).Skip(skip).Take(take).Select(r => r.Id).ToListAsync(ct);
        }
        return new RunPage(await LoadAsync(db, ids, ct), total);
    }

    /// <summary>A search term as it stands inside a stored JSON string (escaped as the run's settings were written), lower-cased.</summary>
    public static string InJson(string term) => JsonSerializer.Serialize(term.Trim())[1..^1].ToLowerInvariant();

    private static async Task<IReadOnlyList<RunView>> LoadAsync(ClipSurgeryDb db, List<Guid> ids, CancellationToken ct)
    {
        var runs = await db.Runs.AsNoTracking()
            .Where(r => ids.Contains(r.Id))
            .Include(r => r.Images).ThenInclude(i => i.Image)
            .Include(r => r.Images).ThenInclude(i => i.Files)
            .Include(r => r.Images).ThenInclude(i => i.Tokens)
            .AsSplitQuery()
            .ToListAsync(ct);
        return runs.OrderByDescending(r => r.CreatedAt).Select(ToView).ToList();
    }

    public static RunView ToView(JobRun run) => new(
        run.Id, run.Kind.ToString(), run.Status.ToString(), run.OwnerId, run.OwnerName, run.Shared, run.CreatedAt, run.StartedAt,
        run.FinishedAt, run.Error, run.Settings, run.BytesDone, run.BytesTotal,
        run.Images.OrderBy(i => i.Order).Select(i => new RunImageView(
            i.Id, i.ImageId, i.Image?.FileName ?? "?", Urls.Image(i.ImageId), i.Status.ToString(), i.Stage, i.Progress, i.Loss,
            i.BestText, i.Error,
            i.Files.OrderBy(f => f.Kind).ThenBy(f => f.Label).ThenBy(f => f.Mode?.Name, StringComparer.Ordinal)
                .Select(f => new FileView(f.Id, f.FileName, f.Kind, f.Mode, f.Label, Urls.File(f.Id), Urls.Download(f.Id),
                    f.ValueMin is { } min && f.ValueMax is { } max ? new MapRange(min, max) : null,
                    f.SharesJson is null ? null : LabelShares.Read(f.SharesJson))).ToList(),
            i.Tokens.OrderByDescending(t => t.Frequency).ThenBy(t => t.Token).Select(t => new TokenView(t.Token, t.Frequency)).ToList(),
            i.Scores, i.StartedAt, i.FinishedAt))
            .ToList(),
        run.ItemsDone, run.ItemsTotal, ClipSurgeryWeb.Jobs.Evaluation.EvalReportJson.Read(run.ReportJson));
}
