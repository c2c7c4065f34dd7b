using System.Security.Claims;
using ClipSurgeryWeb.Web.Services;
using Microsoft.AspNetCore.Components.Authorization;

namespace ClipSurgeryWeb.Web.Tests.Components;

public sealed class CurrentUserTests
{
    [Fact]
    public async Task A_circuit_whose_login_ended_acts_for_no_one_and_hears_no_more_updates()
    {
        var auth = new SwitchableAuthentication(new ClaimsPrincipal(new ClaimsIdentity(
            [new Claim(ClaimTypes.NameIdentifier, "member-1"), new Claim(ClaimTypes.Name, "member@example.com")], "test")));
        using var user = new CurrentUser(auth);
        Assert.Equal("member-1", (await user.GetAsync()).UserId);

        auth.SignOut();

        Assert.True(user.Ended);
        var refused = await Assert.ThrowsAsync<InvalidOperationException>(user.GetAsync);
        Assert.Equal("the session has ended: log in again", refused.Message);
    }

    /// <summary>What the revalidating provider does when a login is no longer current: the circuit's state becomes anonymous.</summary>
    private sealed class SwitchableAuthentication(ClaimsPrincipal user) : AuthenticationStateProvider
    {
        private AuthenticationState _state = new(user);

        public override Task<AuthenticationState> GetAuthenticationStateAsync() => Task.FromResult(_state);

        public void SignOut()
        {
            _state = new AuthenticationState(new ClaimsPrincipal(new ClaimsIdentity()));
            NotifyAuthenticationStateChanged(Task.FromResult(_state));
        }
    }
}
