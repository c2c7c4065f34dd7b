using ClipSurgeryWeb.Data;
using ClipSurgeryWeb.Jobs.Running;
using Hangfire;

namespace ClipSurgeryWeb.Jobs.Opinions;

/// <summary>CLIP opinions (gradient ascent) for each image of a run; the words feed the word world records.</summary>
[Queue(Queues.Gpu)]
[AutomaticRetry(Attempts = 3)]
public sealed class OpinionsJob(RunLoop loop, OpinionStep opinions)
{
    public Task RunAsync(Guid id, CancellationToken ct) =>
        loop.RunAsync(id, JobRunKind.Opinions, ct, work => opinions.Run(work, 0, 1));
}
