using ClipSurgeryWeb.Engine.Explaining;
using ClipSurgeryWeb.Engine.Pipeline;
using ClipSurgeryWeb.Data;
using ClipSurgeryWeb.Jobs.Engine;
using ClipSurgeryWeb.Jobs.Models;
using ClipSurgeryWeb.Jobs.Running;
using ClipSurgeryWeb.Hosting.Storage;
using Hangfire;

namespace ClipSurgeryWeb.Jobs.Explain;

/// <summary>
/// Heatmaps for each image of a run: one PNG per method and target, announced as each is written; then, when a SAM model
/// was chosen, a mask per target; then, when label methods were chosen, each one's label map over the run's classes
/// (<see cref="LabelMapStep"/>). One engine call takes up to the engine's image batch of the run's images still to
/// do: they are encoded together.
/// </summary>
[Queue(Queues.Gpu)]
[AutomaticRetry(Attempts = 3)]
public sealed class ExplainJob(RunLoop loop, IClipEngine engine, ModelsFolder models)
{
    public Task RunAsync(Guid id, CancellationToken ct) =>
        loop.RunAsync(id, JobRunKind.Explain, ct, engine.ImageBatchSize, batch =>
        {
            var settings = batch.Run.Settings;
            var clip = models.RequireClip(settings.ModelName!).Path;
            var sam = settings.SamModelName is null ? null : models.RequireSam(settings.SamModelName).Path;
            var labelMaps = LabelMapChoice.Of(settings);
            var labels = labelMaps.Methods.Count == 0 ? 0 : 0.4;
            batch.Share(sam is null ? new StageShares(0, 1 - labels, 0, labels) : new StageShares(0, 0.7 * (1 - labels), 0.3 * (1 - labels), labels));
            var maps = new ExplainRequest(settings.Labels, settings.Targets, settings.Resolution, settings.Modes);
            var request = new ExplainImagesRequest(batch.Inputs, maps, Segment: sam is not null);
            var pipeline = engine.Pipeline(new EngineModels(clip, sam, RunPrecision.Of(settings)));
            LabelMapStep.Run(batch, pipeline, labelMaps, settings.Labels, saveMaps: true, sink => pipeline.Explain(request, sink, batch.Token));
        });
}
