using ClipSurgeryWeb.Jobs.Data;
using ClipSurgeryWeb.Jobs.Engine;
using ClipSurgeryWeb.Jobs.Running;
using Hangfire;

namespace ClipSurgeryWeb.Jobs.Explain;

/// <summary>Heatmaps for each image of a run: one PNG per mode and target, announced as each is written.</summary>
[Queue(Queues.Gpu)]
[AutomaticRetry(Attempts = 3)]
public sealed class ExplainJob(RunLoop loop, IClipEngine engine)
{
    public Task RunAsync(Guid id, CancellationToken ct) =>
        loop.RunAsync(id, JobRunKind.Explain, ct, work =>
        {
            var settings = work.Run.Settings;
            var spec = new ExplainSpec(settings.ModelPath!, settings.Labels, settings.Targets, settings.Resolution, settings.Modes);
            var expected = Math.Max(1, settings.Targets.Count * settings.Modes.Count);
            var written = 0;
            work.SetStage("explain", 0);
            engine.Explain(spec, work.ImagePath, work.OutputDir, file =>
            {
                work.AddFile(file);
                work.Report(Math.Min(0.99, ++written / (double)expected));
            }, work.Token);
        });
}
