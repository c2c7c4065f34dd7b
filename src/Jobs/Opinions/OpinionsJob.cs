using ClipSurgeryWeb.Engine.Opinions;
using ClipSurgeryWeb.Engine.Pipeline;
using ClipSurgeryWeb.Data;
using ClipSurgeryWeb.Jobs.Engine;
using ClipSurgeryWeb.Jobs.Models;
using ClipSurgeryWeb.Jobs.Running;
using Hangfire;

namespace ClipSurgeryWeb.Jobs.Opinions;

/// <summary>CLIP opinions (gradient ascent) for each image of a run; the words feed the word world records.</summary>
[Queue(Queues.Gpu)]
[AutomaticRetry(Attempts = 3)]
public sealed class OpinionsJob(RunLoop loop, IClipEngine engine, ModelsFolder models, OpinionStore opinions)
{
    public Task RunAsync(Guid id, CancellationToken ct) =>
        loop.RunAsync(id, JobRunKind.Opinions, ct, batchSize: 1, batch =>
        {
            var settings = batch.Run.Settings;
            var clip = models.RequireClip(settings.ModelName!).Path;
            batch.Share(new StageShares(Opinions: 1, Explain: 0, Segment: 0));
            batch.OnEvent = opinions.OnEvent;
            var request = new OpinionsRequest(batch.Inputs, OpinionSettingsOf(settings), Path.GetFileName(clip));
            engine.Pipeline(new EngineModels(clip, Precision: RunPrecision.Of(settings))).Opinions(request, batch.Emit, batch.Token);
        });

    /// <summary>The run's iterations and seed with the reference's batch, tokens and views.</summary>
    public static OpinionSettings OpinionSettingsOf(RunSettings settings) => new(settings.Iterations, Seed: settings.Seed);
}
