using System.Collections.Concurrent;
using Microsoft.AspNetCore.SignalR;

namespace ClipSurgeryWeb.Web.Live;

/// <summary>
/// The members' open <see cref="LiveHub"/> connections in this process (remote workers' connections are not kept). A
/// hub connection is authenticated once, when it opens, so logging out aborts the member's connections here
/// (<see cref="AbortMember"/>), and <see cref="LiveConnectionRevalidation"/> checks every connection's security stamp
/// again each minute, which also ends connections held by other web processes behind a load balancer.
/// </summary>
public sealed class LiveConnections
{
    private readonly ConcurrentDictionary<string, (string UserId, HubCallerContext Context)> _open = new();

    public void Add(string userId, HubCallerContext context) => _open[context.ConnectionId] = (userId, context);

    public void Remove(HubCallerContext context) => _open.TryRemove(context.ConnectionId, out _);

    /// <summary>The open members' connections, for re-checking their logins.</summary>
    public IReadOnlyList<HubCallerContext> All => _open.Values.Select(c => c.Context).ToList();

    /// <summary>Closes every open connection of this member; returns how many there were.</summary>
    public int AbortMember(string userId)
    {
        var theirs = _open.Values.Where(c => c.UserId == userId).ToList();
        foreach (var (_, context) in theirs)
        {
            Remove(context);
            context.Abort();
        }
        return theirs.Count;
    }
}
