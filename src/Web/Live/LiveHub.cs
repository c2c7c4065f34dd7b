using ClipSurgeryWeb.Hosting.Live;
using ClipSurgeryWeb.Web.Auth;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;

namespace ClipSurgeryWeb.Web.Live;

/// <summary>
/// /hubs/live. Logged-in members receive "event" messages for what they may see (own runs, shared runs, records);
/// remote workers (worker key) call <see cref="Publish"/> so their progress reaches this process's pages and clients.
/// </summary>
[Authorize(AuthenticationSchemes = "Identity.Application," + WorkerKeyAuthenticationHandler.SchemeName)]
public sealed class LiveHub(LiveUpdates updates, LiveConnections connections) : Hub
{
    public const string Path = "/hubs/live";
    public const string EventMethod = "event";
    public const string TeamGroup = "team";
    public const string AdminGroup = "admins";

    public static string UserGroup(string userId) => $"user:{userId}";

    public override async Task OnConnectedAsync()
    {
        var user = Context.User;
        if (user is not null && !user.IsInRole(Roles.Worker) && Context.UserIdentifier is { } id)
        {
            await Groups.AddToGroupAsync(Context.ConnectionId, TeamGroup);
            await Groups.AddToGroupAsync(Context.ConnectionId, UserGroup(id));
            if (user.IsInRole(Roles.Admin))
                await Groups.AddToGroupAsync(Context.ConnectionId, AdminGroup);
            connections.Add(id, Context);
        }
        await base.OnConnectedAsync();
    }

    public override Task OnDisconnectedAsync(Exception? exception)
    {
        connections.Remove(Context);
        return base.OnDisconnectedAsync(exception);
    }

    [Authorize(Roles = Roles.Worker, AuthenticationSchemes = WorkerKeyAuthenticationHandler.SchemeName)]
    public void Publish(JobEvent e) => updates.Publish(e);
}
