using System.Collections.Concurrent;

namespace ClipSurgeryWeb.Jobs.Running;

/// <summary>
/// Cancels runs executing in this process at once. Runs on other machines see the database flag
/// (<see cref="Data.JobRun.CancelRequested"/>) within a second, and Hangfire's own token after its check interval.
/// </summary>
public sealed class RunCancellations
{
    private readonly ConcurrentDictionary<Guid, CancellationTokenSource> _running = new();

    public CancellationTokenSource Register(Guid runId, CancellationToken jobToken)
    {
        var cts = CancellationTokenSource.CreateLinkedTokenSource(jobToken);
        _running[runId] = cts;
        return cts;
    }

    public void Unregister(Guid runId, CancellationTokenSource cts) =>
        _running.TryRemove(new KeyValuePair<Guid, CancellationTokenSource>(runId, cts));

    public void Cancel(Guid runId)
    {
        if (_running.TryGetValue(runId, out var cts))
        {
            try { cts.Cancel(); }
            catch (ObjectDisposedException) { }
        }
    }
}
