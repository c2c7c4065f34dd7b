using ClipSurgeryWeb.Engine.Batch;
using ClipSurgeryWeb.Data;
using ClipSurgeryWeb.Jobs.Engine;
using ClipSurgeryWeb.Jobs.Models;
using ClipSurgeryWeb.Jobs.Opinions;
using ClipSurgeryWeb.Jobs.Running;
using Hangfire;

namespace ClipSurgeryWeb.Jobs.Batch;

/// <summary>
/// The "runall" batch, per image: CLIP opinions → labels = all tokens, targets = tokens counted at least
/// <see cref="MinTargetCount"/> times → plain CLIP and Surgery maps (model's own size), single-label Surgery maps at 512 →
/// SAM masks (when a SAM model was chosen). An image whose opinions were already stored skips them on resume.
/// </summary>
[Queue(Queues.Gpu)]
[AutomaticRetry(Attempts = 3)]
public sealed class BatchJob(RunLoop loop, OpinionStep opinions, IClipEngine engine, ModelCatalog models, ClipSurgeryDb db)
{
    public const int MinTargetCount = 3;

    public Task RunAsync(Guid id, CancellationToken ct) =>
        loop.RunAsync(id, JobRunKind.Batch, ct, work =>
        {
            var settings = work.Run.Settings;
            var tokens = StoredTokens(work.Item.Id) ?? opinions.Run(work, 0, 0.6);
            var labels = tokens.Select(t => t.Token).Distinct().ToList();
            var targets = tokens.Where(t => t.Frequency >= MinTargetCount).Select(t => t.Token).Distinct().ToList();
            if (labels.Count == 0 || targets.Count == 0)
            {
                work.SetStage($"done: no token came up {MinTargetCount} times, so there is nothing to map", 1);
                return;
            }

            work.Targets = targets;
            work.SetStage("explain", 0.6);
            var clip = models.RequireClip(settings.ModelName!).Path;
            var precision = RunPrecision.Of(settings);
            // As the engine's RunAllPipeline (and the reference's run_surgery.py): maps over the label set at the
            // model's own size unless a resolution was asked for, single-label maps (SAM's points) always at 512.
            var overLabels = settings.Modes.Where(m => m != "single").ToList();
            var expected = targets.Count * settings.Modes.Count;
            void OnFile(string file)
            {
                work.AddFile(file);
                work.Report(0.6 + 0.25 * Math.Min(1, CountFiles(work, "heatmap") / (double)expected));
            }
            if (overLabels.Count > 0)
                engine.Explain(new ExplainSpec(clip, labels, targets, settings.Resolution, overLabels, precision), work.ImagePath, work.OutputDir, OnFile, work.Token);
            if (settings.Modes.Contains("single") || settings.SamModelName is not null)
                engine.Explain(new ExplainSpec(clip, labels, targets, RunAllSettings.DefaultSingleResolution, ["single"], precision), work.ImagePath, work.OutputDir, OnFile, work.Token);
            if (settings.SamModelName is null)
                return;
            work.SetStage("segment", 0.85);
            engine.Segment(new SegmentSpec(clip, models.RequireSam(settings.SamModelName).Path, targets, precision), work.ImagePath, work.OutputDir, file =>
            {
                work.AddFile(file);
                work.Report(0.85 + 0.15 * Math.Min(1, CountFiles(work, "mask") / (double)targets.Count));
            }, work.Token);
        });

    private IReadOnlyList<TokenCount>? StoredTokens(Guid jobImageId)
    {
        var stored = db.Tokens.Where(t => t.JobImageId == jobImageId).Select(t => new TokenCount(t.Token, t.Frequency)).ToList();
        return stored.Count > 0 ? stored : null;
    }

    private int CountFiles(ImageWork work, string kind) =>
        db.Files.Count(f => f.JobImageId == work.Item.Id && f.Kind == kind);
}
