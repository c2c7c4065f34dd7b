using ClipSurgeryWeb.Data;
using ClipSurgeryWeb.Jobs.Running;
using Microsoft.EntityFrameworkCore;

namespace ClipSurgeryWeb.Web.Services;

/// <summary>A member's uploaded images, newest first.</summary>
public sealed class UploadQueries(IDbContextFactory<ClipSurgeryDb> dbs)
{
    public async Task<IReadOnlyList<UploadView>> MineAsync(Requester who, int take = 60, CancellationToken ct = default)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        return await db.Images.AsNoTracking()
            .Where(i => i.OwnerId == who.UserId)
            .OrderByDescending(i => i.CreatedAt)
            .Take(take)
            .Select(i => new UploadView(i.Id, i.FileName, i.SizeBytes, i.Width, i.Height, Urls.Image(i.Id)))
            .ToListAsync(ct);
    }

    /// <summary>A page of the member's uploads, newest first, each with the number of runs (anyone's) that use it; and how many there are.</summary>
    public async Task<(IReadOnlyList<UploadUsage> Uploads, int Total)> MineWithUsageAsync(Requester who, int skip, int take,
        CancellationToken ct = default)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var mine = db.Images.AsNoTracking().Where(i => i.OwnerId == who.UserId);
        var total = await mine.CountAsync(ct);
        var rows = await mine
            .OrderByDescending(i => i.CreatedAt)
            .Skip(skip)
            .Take(take)
            .Select(i => new
            {
                i.Id, i.FileName, i.SizeBytes, i.Width, i.Height, i.CreatedAt,
                Runs = db.RunImages.Where(ji => ji.ImageId == i.Id).Select(ji => ji.RunId).Distinct().Count(),
            })
            .ToListAsync(ct);
        return (rows.Select(r => new UploadUsage(new UploadView(r.Id, r.FileName, r.SizeBytes, r.Width, r.Height, Urls.Image(r.Id)),
            r.Runs, r.CreatedAt)).ToList(), total);
    }
}
