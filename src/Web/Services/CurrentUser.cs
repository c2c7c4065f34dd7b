using ClipSurgeryWeb.Jobs.Running;
using ClipSurgeryWeb.Web.Auth;
using Microsoft.AspNetCore.Components.Authorization;

namespace ClipSurgeryWeb.Web.Services;

/// <summary>The logged-in member of this circuit as a <see cref="Requester"/>.</summary>
public sealed class CurrentUser(AuthenticationStateProvider auth)
{
    private Requester? _who;

    public async Task<Requester> GetAsync()
    {
        if (_who is null)
        {
            var state = await auth.GetAuthenticationStateAsync();
            _who = state.User.ToRequester();
        }
        return _who;
    }
}
