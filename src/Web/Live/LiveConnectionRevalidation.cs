using ClipSurgeryWeb.Data;
using ClipSurgeryWeb.Web.Auth;
using Microsoft.AspNetCore.Identity;

namespace ClipSurgeryWeb.Web.Live;

/// <summary>
/// Every <see cref="SessionRevalidation.Interval"/>, as for Blazor circuits, each open member's hub connection is
/// checked against its member's security stamp and aborted once it has changed. Logout aborts the connections of the
/// process that served it at once; this bounds how long a connection held by another web process (several behind a
/// load balancer) goes on receiving events after it.
/// </summary>
public sealed class LiveConnectionRevalidation(LiveConnections connections, IServiceScopeFactory scopes,
    ILogger<LiveConnectionRevalidation> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(SessionRevalidation.Interval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try { await RevalidateAsync(); }
            catch (Exception e) when (e is not OperationCanceledException) { log.LogWarning(e, "Could not re-check the live hub's logins"); }
        }
    }

    /// <summary>Aborts each connection whose member's security stamp has changed; returns how many.</summary>
    public async Task<int> RevalidateAsync()
    {
        var aborted = 0;
        await using var scope = scopes.CreateAsyncScope();
        var signIn = scope.ServiceProvider.GetRequiredService<SignInManager<TeamMember>>();
        foreach (var context in connections.All)
        {
            if (context.User is { } user && await signIn.ValidateSecurityStampAsync(user) is not null)
                continue;
            connections.Remove(context);
            context.Abort();
            aborted++;
        }
        return aborted;
    }
}
