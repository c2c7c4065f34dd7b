using ClipSurgeryWeb.Jobs.Running;

namespace ClipSurgeryWeb.Web.Services.Runs;

/// <summary>
/// What a page may offer on a run it shows: Cancel and Retry only to the run's owner or an admin — the rule the
/// launcher enforces (<c>RunVisibility.AllowsChange</c>, checked by <see cref="JobLauncher"/>), so a page never offers
/// what the server then refuses.
/// </summary>
public static class RunActions
{
    public static bool CanChange(RunView run, Requester? who) =>
        who is not null && ClipSurgeryWeb.Data.Visibility.RunVisibility.AllowsChange(run.OwnerId, who.UserId, who.IsAdmin);

    public static bool CanCancel(RunView run, Requester? who) => !run.IsFinished && CanChange(run, who);

    /// <summary>A finished run with failed or cancelled images; a download that failed or was cancelled.</summary>
    public static bool CanRetry(RunView run, Requester? who) =>
        run.IsFinished && CanChange(run, who)
        && (run.Kind == "Download"
            ? run.Status is "Failed" or "Cancelled"
            : run.Images.Any(i => i.Status is "Failed" or "Cancelled"));
}
