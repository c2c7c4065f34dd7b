using ClipSurgeryWeb.Data;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;
using Microsoft.AspNetCore.Identity;

namespace ClipSurgeryWeb.Web.Auth;

/// <summary>
/// An open page (a Blazor circuit) outlives the request that opened it, so its login is checked again every
/// <see cref="Interval"/>: once its member has logged out (a new security stamp), the circuit's member is signed out and
/// <see cref="Services.CurrentUser"/> refuses to act for them, as the cookie already is on every request.
/// </summary>
public sealed class SessionRevalidation(ILoggerFactory logs, IServiceScopeFactory scopes) : RevalidatingServerAuthenticationStateProvider(logs)
{
    public static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);

    protected override TimeSpan RevalidationInterval => Interval;

    protected override Task<bool> ValidateAuthenticationStateAsync(AuthenticationState authenticationState, CancellationToken cancellationToken) =>
        IsCurrentAsync(scopes, authenticationState);

    /// <summary>Whether the state's member still has the security stamp they logged in with.</summary>
    public static async Task<bool> IsCurrentAsync(IServiceScopeFactory scopes, AuthenticationState state)
    {
        if (state.User.Identity?.IsAuthenticated != true)
            return false;
        await using var scope = scopes.CreateAsyncScope();
        var signIn = scope.ServiceProvider.GetRequiredService<SignInManager<TeamMember>>();
        return await signIn.ValidateSecurityStampAsync(state.User) is not null;
    }
}
