using ClipSurgeryWeb.Hosting.Live;
using Microsoft.AspNetCore.SignalR;

namespace ClipSurgeryWeb.Web.Live;

/// <summary>
/// The web process's end of <see cref="IJobEvents"/>: every update (from local jobs, or relayed by <see cref="LiveHub"/>
/// from remote workers) goes to the open Blazor pages (through <see cref="Received"/>, pushed over each circuit) and
/// to hub clients in the groups allowed to see it.
/// </summary>
public sealed class LiveUpdates(IHubContext<LiveHub> hub, ILogger<LiveUpdates> log) : IJobEvents
{
    public event Action<JobEvent>? Received;

    public void Publish(JobEvent e)
    {
        foreach (var handler in Received?.GetInvocationList().Cast<Action<JobEvent>>() ?? [])
        {
            try { handler(e); }
            catch (Exception ex) { log.LogWarning(ex, "A page's live-update handler failed"); }
        }
        var clients = e.IsVisibleTo("", isAdmin: false) ? hub.Clients.Group(LiveHub.TeamGroup)
            : hub.Clients.Groups(LiveHub.UserGroup(e.OwnerId), LiveHub.AdminGroup);
        _ = clients.SendAsync(LiveHub.EventMethod, e).ContinueWith(
            t => log.LogWarning(t.Exception, "Could not push a live update to hub clients"), TaskContinuationOptions.OnlyOnFaulted);
    }
}
