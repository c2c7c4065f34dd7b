using ClipSurgeryWeb.Hosting.Live;

namespace ClipSurgeryWeb.Web.Tests.Support;

/// <summary>
/// The events one hub connection received, in the order they arrived. Tests wait for an event, never for time to pass:
/// one connection's messages arrive in the order they were sent, so once an event is in, everything sent to that
/// connection before it is in too.
/// </summary>
public sealed class HubInbox
{
    /// <summary>Only turns a hang into a failure.</summary>
    public static readonly TimeSpan SafetyTimeout = TimeSpan.FromMinutes(2);

    private readonly List<JobEvent> _events = [];
    private readonly List<(Func<JobEvent, bool> Match, TaskCompletionSource<JobEvent> Found)> _waiting = [];

    public IReadOnlyList<JobEvent> Events
    {
        get { lock (_events) return _events.ToList(); }
    }

    public void Add(JobEvent e)
    {
        List<TaskCompletionSource<JobEvent>> found;
        lock (_events)
        {
            _events.Add(e);
            found = _waiting.Where(w => w.Match(e)).Select(w => w.Found).ToList();
            _waiting.RemoveAll(w => found.Contains(w.Found));
        }
        foreach (var f in found)
            f.TrySetResult(e);
    }

    /// <summary>The first event (already received or still to come) that matches; fails after <see cref="SafetyTimeout"/>.</summary>
    public async Task<JobEvent> WaitForAsync(string what, Func<JobEvent, bool> match)
    {
        var found = new TaskCompletionSource<JobEvent>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_events)
        {
            var already = _events.FirstOrDefault(match);
            if (already is not null)
                return already;
            _waiting.Add((match, found));
        }
        try
        {
            return await found.Task.WaitAsync(SafetyTimeout);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"no {what} in {SafetyTimeout.TotalSeconds:0} s; received: {string.Join(", ", Events.Select(e => $"{e.Kind} {e.RunStatus} {e.FileName} {e.Message}"))}");
        }
    }
}
