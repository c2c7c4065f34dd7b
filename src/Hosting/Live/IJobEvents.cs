namespace ClipSurgeryWeb.Hosting.Live;

/// <summary>
/// Where jobs send live updates. In the web process it feeds the SignalR hub and open pages; on a remote worker it
/// forwards to the web app's hub (<see cref="HubClientJobEvents"/>). Must not block the caller.
/// </summary>
public interface IJobEvents
{
    void Publish(JobEvent e);
}
