using ClipSurgeryWeb.Data;
using ClipSurgeryWeb.Jobs.Engine;
using ClipSurgeryWeb.Jobs.Models;
using ClipSurgeryWeb.Jobs.Running;
using ClipSurgeryWeb.Hosting.Storage;
using Hangfire;

namespace ClipSurgeryWeb.Jobs.Explain;

/// <summary>
/// Heatmaps for each image of a run: one PNG per mode and target, announced as each is written; then, when a SAM model
/// was chosen, a mask per target.
/// </summary>
[Queue(Queues.Gpu)]
[AutomaticRetry(Attempts = 3)]
public sealed class ExplainJob(RunLoop loop, IClipEngine engine, ModelCatalog models, FileStore files)
{
    public Task RunAsync(Guid id, CancellationToken ct) =>
        loop.RunAsync(id, JobRunKind.Explain, ct, work =>
        {
            var settings = work.Run.Settings;
            var clip = models.RequireClip(settings.ModelName!).Path;
            var precision = RunPrecision.Of(settings);
            var spec = new ExplainSpec(clip, settings.Labels, settings.Targets, settings.Resolution, settings.Modes, precision);
            var segment = settings.SamModelName is not null;
            var explainShare = segment ? 0.7 : 1.0;
            var expected = Math.Max(1, settings.Targets.Count * settings.Modes.Count);
            var written = 0;
            work.SetStage("explain", 0);
            engine.Explain(spec, work.ImagePath, ImagesAfter(work), work.OutputDir, file =>
            {
                work.AddFile(file);
                work.Report(explainShare * Math.Min(0.99, ++written / (double)expected));
            }, work.Token);
            if (!segment)
                return;

            work.SetStage("segment", explainShare);
            var masks = 0;
            var sam = models.RequireSam(settings.SamModelName!).Path;
            engine.Segment(new SegmentSpec(clip, sam, settings.Targets, precision), work.ImagePath, work.OutputDir, file =>
            {
                work.AddFile(file);
                work.Report(explainShare + (1 - explainShare) * Math.Min(0.99, ++masks / (2.0 * settings.Targets.Count)));
            }, work.Token);
        });

    /// <summary>The run's images after this one that are still to explain (not done, failed or cancelled), in run order.</summary>
    private List<string> ImagesAfter(ImageWork work) => work.Run.Images
        .Where(i => i.Order > work.Item.Order && i.Status is (JobImageStatus.Pending or JobImageStatus.Running) && i.Image is not null)
        .OrderBy(i => i.Order)
        .Select(i => files.UploadPath(i.Image!.Id, i.Image.Extension))
        .ToList();
}
