namespace ClipSurgeryWeb.Web.Services.Runs;

/// <summary>
/// Time left of a run from its own working time only: how long its finished images took (their StartedAt to FinishedAt)
/// and how far the current ones are. Time in the queue or while no worker ran it (a restart) never counts, unlike an
/// estimate from the run's StartedAt, which grew with both.
/// </summary>
public static class RunEta
{
    /// <summary>Below this share of an image done, its own pace says too little to estimate from.</summary>
    public const double MinProgress = 0.01;

    /// <returns>Null when finished, or nothing has been measured yet.</returns>
    public static TimeSpan? Left(RunView run, DateTime utcNow)
    {
        if (run.IsFinished || run.Kind == "Download")
            return null;
        var finished = run.Images
            .Where(i => i.Status == "Done" && i.StartedAt is not null && i.FinishedAt is not null && i.FinishedAt >= i.StartedAt)
            .Select(i => (i.FinishedAt!.Value - i.StartedAt!.Value).TotalSeconds)
            .ToList();
        var running = run.Images.Where(i => i.Status == "Running" && i.StartedAt is not null).ToList();
        var pending = run.Images.Count(i => i.Status == "Pending" || (i.Status == "Running" && i.StartedAt is null));

        double? perImage = finished.Count > 0 ? finished.Average() : null;
        if (perImage is null)
        {
            // No image finished yet: the pace of the furthest running one.
            var current = running.Where(i => i.Progress >= MinProgress).OrderByDescending(i => i.Progress).FirstOrDefault();
            if (current is null)
                return null;
            perImage = Math.Max(0, (utcNow - current.StartedAt!.Value).TotalSeconds) / current.Progress;
        }
        var work = running.Sum(i => perImage.Value * (1 - Math.Clamp(i.Progress, 0, 1))) + pending * perImage.Value;
        // Images of one run running at once are on different workers: they share the rest.
        var parallel = Math.Max(1, running.Count);
        return TimeSpan.FromSeconds(work / parallel);
    }

    /// <summary>"3 min 20 s", "45 s".</summary>
    public static string Text(TimeSpan left) =>
        left.TotalMinutes >= 60 ? $"{(int)left.TotalHours} h {left.Minutes} min"
        : left.TotalMinutes >= 1 ? $"{(int)left.TotalMinutes} min {left.Seconds} s"
        : $"{Math.Max(1, (int)Math.Round(left.TotalSeconds))} s";
}
