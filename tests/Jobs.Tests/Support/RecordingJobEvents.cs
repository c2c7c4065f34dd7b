using System.Collections.Concurrent;
using ClipSurgeryWeb.Hosting.Live;

namespace ClipSurgeryWeb.Jobs.Tests.Support;

public sealed class RecordingJobEvents : IJobEvents
{
    private readonly ConcurrentQueue<JobEvent> _events = new();

    public IReadOnlyList<JobEvent> Events => _events.ToArray();

    public void Publish(JobEvent e) => _events.Enqueue(e);
}
