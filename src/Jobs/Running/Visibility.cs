using ClipSurgeryWeb.Data;

namespace ClipSurgeryWeb.Jobs.Running;

/// <summary>Members see their own runs and the team's shared ones; admins see everything.</summary>
public static class Visibility
{
    public static IQueryable<JobRun> VisibleTo(this IQueryable<JobRun> runs, Requester who) =>
        who.IsAdmin ? runs : runs.Where(r => r.Shared || r.OwnerId == who.UserId);

    public static bool CanSee(this JobRun run, Requester who) => who.IsAdmin || run.Shared || run.OwnerId == who.UserId;

    public static bool CanChange(this JobRun run, Requester who) => who.IsAdmin || run.OwnerId == who.UserId;

    /// <summary>An image is visible to its owner, admins, and everyone once it is part of a shared run.</summary>
    public static bool CanSeeImage(this ClipSurgeryDb db, Guid imageId, Requester who) =>
        who.IsAdmin
        || db.Images.Any(i => i.Id == imageId && i.OwnerId == who.UserId)
        || db.RunImages.Any(ji => ji.ImageId == imageId && (ji.Run!.Shared || ji.Run.OwnerId == who.UserId));
}
