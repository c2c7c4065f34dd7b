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
}
