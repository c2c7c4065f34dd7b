using ClipSurgeryWeb.Data;
using ClipSurgeryWeb.Data.Visibility;

namespace ClipSurgeryWeb.Jobs.Running;

/// <summary>
/// <see cref="RunVisibility"/> (the one rule: members see their own runs and the team's shared ones; admins see
/// everything) for a <see cref="Requester"/>, as the pages, endpoints, launcher and downloads ask it.
/// </summary>
public static class Visibility
{
    public static IQueryable<JobRun> VisibleTo(this IQueryable<JobRun> runs, Requester who) =>
        runs.Where(RunVisibility.For(who.UserId, who.IsAdmin));

    public static bool CanSee(this JobRun run, Requester who) => RunVisibility.Allows(run, who.UserId, who.IsAdmin);

    public static bool CanChange(this JobRun run, Requester who) => RunVisibility.AllowsChange(run, who.UserId, who.IsAdmin);

    /// <summary>An image is visible to its owner, admins, and everyone who may see a run it is part of.</summary>
    public static bool CanSeeImage(this ClipSurgeryDb db, Guid imageId, Requester who) =>
        RunVisibility.AllowsImage(db, imageId, who.UserId, who.IsAdmin);
}
