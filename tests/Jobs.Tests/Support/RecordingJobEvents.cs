using System.Collections.Concurrent;
using ClipSurgeryWeb.Hosting.Live;

namespace ClipSurgeryWeb.Jobs.Tests.Support;

public sealed class RecordingJobEvents : IJobEvents
{
    private readonly ConcurrentQueue<JobEvent> _events = new();

    public IReadOnlyList<JobEvent> Events => _events.ToArray();

    /// <summary>Told each event as it is published, on the publisher's thread (a test stops a real engine's job at a known point).</summary>
    public Action<JobEvent>? Published { get; set; }

    public void Publish(JobEvent e)
    {
        _events.Enqueue(e);
        Published?.Invoke(e);
    }
}
