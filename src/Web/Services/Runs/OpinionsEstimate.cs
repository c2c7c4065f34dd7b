using ClipSurgeryWeb.Data;
using Microsoft.EntityFrameworkCore;

namespace ClipSurgeryWeb.Web.Services.Runs;

/// <summary>
/// Before CLIP opinions start on a CPU: how long they will take per image, so a member can choose fewer iterations.
/// The per-iteration time is measured on this server when it can be (recent finished opinion images of the same model:
/// their working time over their iterations), else a documented figure per model size.
/// </summary>
public sealed class OpinionsEstimate(IDbContextFactory<ClipSurgeryDb> dbs, EngineDevice device)
{
    /// <summary>
    /// Seconds per gradient-ascent iteration of ViT-B/16 (batch 16, 64 views) on 2 CPU threads: 18.1 s, measured by
    /// <c>scripts/bench-side-by-side.sh</c> (README, "Benchmarks": "opinions iteration, ViT-B/16"). The 64-view image
    /// encode is 97 % of a step and runs at the sgemm bound, so other sizes scale with their image tower's FLOPs
    /// (<see cref="SizeFactor"/>) and the time with the cores.
    /// </summary>
    public const double VitB16SecondsPerIterationOn2Threads = 18.1;

    /// <summary>Iterations suggested instead on a CPU.</summary>
    public const int SuggestedIterations = 100;

    /// <summary>Above this much per image the warning is shown.</summary>
    public static readonly TimeSpan WarnAbove = TimeSpan.FromMinutes(5);

    /// <summary>Image-tower FLOPs relative to ViT-B/16 at 224 (ViT-B/32 4.4, B/16 17.6, L/14 81, L/14@336 191 GFLOP).</summary>
    public static double SizeFactor(string modelName)
    {
        var name = modelName.ToLowerInvariant().Replace('/', '-').Replace('_', '-');
        return name switch
        {
            _ when name.Contains("l-14-336") || name.Contains("l-14@336") => 191 / 17.6,
            _ when name.Contains("l-14") => 81 / 17.6,
            _ when name.Contains("b-32") => 4.4 / 17.6,
            _ when name.Contains("rn50") => 0.3,
            _ => 1,
        };
    }

    /// <summary>The warning for <paramref name="iterations"/> of <paramref name="modelName"/>; null off a CPU or when quick.</summary>
    public async Task<string?> WarningAsync(string? modelName, int iterations, CancellationToken ct = default)
    {
        if (string.IsNullOrEmpty(modelName) || iterations <= SuggestedIterations || !device.IsCpu)
            return null;
        var perIteration = await MeasuredSecondsPerIterationAsync(modelName, ct)
            ?? VitB16SecondsPerIterationOn2Threads * SizeFactor(modelName) * 2.0 / Math.Max(1, Environment.ProcessorCount);
        var perImage = TimeSpan.FromSeconds(perIteration * iterations);
        if (perImage < WarnAbove)
            return null;
        return $"{iterations} iterations on this CPU take about {Minutes(perImage)} per image; try {SuggestedIterations} "
            + $"(about {Minutes(TimeSpan.FromSeconds(perIteration * SuggestedIterations))}). You can still start.";
    }

    /// <summary>From this server's own finished opinion images of the model (Opinions runs only: a batch also draws maps).</summary>
    private async Task<double?> MeasuredSecondsPerIterationAsync(string modelName, CancellationToken ct)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var runs = await db.Runs.AsNoTracking()
            .Where(r => r.Kind == JobRunKind.Opinions && r.Status != JobRunStatus.Queued)
            .OrderByDescending(r => r.CreatedAt)
            .Take(20)
            .Include(r => r.Images)
            .ToListAsync(ct);
        var samples = runs
            .Where(r => r.Settings.ModelName == modelName && r.Settings.Iterations > 0)
            .SelectMany(r => r.Images
                .Where(i => i.Status == JobImageStatus.Done && i.StartedAt is not null && i.FinishedAt > i.StartedAt)
                .Select(i => (i.FinishedAt!.Value - i.StartedAt!.Value).TotalSeconds / r.Settings.Iterations))
            .ToList();
        return samples.Count == 0 ? null : samples.Average();
    }

    private static string Minutes(TimeSpan t) => t.TotalMinutes >= 1 ? $"{Math.Round(t.TotalMinutes):0} min" : $"{Math.Max(1, Math.Round(t.TotalSeconds)):0} s";
}
