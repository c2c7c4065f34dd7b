using ClipSurgeryWeb.Engine.Batch;
using ClipSurgeryWeb.Engine.Opinions;
using ClipSurgeryWeb.Engine.Pipeline;
using ClipSurgeryWeb.Data;
using ClipSurgeryWeb.Jobs.Engine;
using ClipSurgeryWeb.Jobs.Models;
using ClipSurgeryWeb.Jobs.Opinions;
using ClipSurgeryWeb.Jobs.Running;
using Hangfire;

namespace ClipSurgeryWeb.Jobs.Batch;

/// <summary>
/// The "runall" batch: the engine's runall (<see cref="RunAllPlan"/>) for each image, its results stored and
/// published as the engine announces them; then, when label methods were chosen, their label maps over the run's
/// classes or, naming none, the image's targets (<see cref="LabelMapStep"/>). An image whose opinions were already stored skips them on resume (they are
/// handed to the engine as known opinions).
/// </summary>
[Queue(Queues.Gpu)]
[AutomaticRetry(Attempts = 3)]
public sealed class BatchJob(RunLoop loop, IClipEngine engine, ModelsFolder models, OpinionStore opinions)
{
    public const int MinTargetCount = TokenTable.DefaultTargetFrequency;

    public Task RunAsync(Guid id, CancellationToken ct) =>
        loop.RunAsync(id, JobRunKind.Batch, ct, batchSize: 1, batch =>
        {
            var settings = batch.Run.Settings;
            var clip = models.RequireClip(settings.ModelName!).Path;
            var sam = settings.SamModelName is null ? null : models.RequireSam(settings.SamModelName).Path;
            var labelMaps = LabelMapChoice.Of(settings);
            batch.Share(labelMaps.Methods.Count == 0
                ? new StageShares(Opinions: 0.6, Explain: 0.25, Segment: 0.15)
                : new StageShares(Opinions: 0.5, Explain: 0.2, Segment: 0.1, Labels: 0.2));
            batch.OnEvent = opinions.OnEvent;
            var known = batch.Images
                .Select(i => (i.Input.Key, Tokens: opinions.StoredTokens(i.Item.Id)))
                .Where(k => k.Tokens is not null)
                .ToDictionary(k => k.Key, k => k.Tokens!);
            // As the reference's run_surgery.py: maps over the label set at the model's own size unless a resolution was
            // asked for, single-label maps (SAM's points) at 512.
            var runAll = new RunAllSettings(OpinionsJob.OpinionSettingsOf(settings), MinTargetCount, settings.Resolution);
            var request = new RunAllRequest(batch.Inputs, runAll, Path.GetFileName(clip), settings.Modes, Segment: sam is not null,
                SaveMaps: true, KnownOpinions: known);
            var pipeline = engine.Pipeline(new EngineModels(clip, sam, RunPrecision.Of(settings)));
            LabelMapStep.Run(batch, pipeline, labelMaps, labels: null, saveMaps: true, sink => pipeline.RunAll(request, sink, batch.Token));
        });
}
