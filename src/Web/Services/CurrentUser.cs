using ClipSurgeryWeb.Jobs.Running;
using ClipSurgeryWeb.Web.Auth;
using Microsoft.AspNetCore.Components.Authorization;

namespace ClipSurgeryWeb.Web.Services;

/// <summary>
/// The logged-in member of this circuit as a <see cref="Requester"/>. When the circuit's login ends (the member logged
/// out; see <see cref="SessionRevalidation"/>), it acts for no one any more.
/// </summary>
public sealed class CurrentUser : IDisposable
{
    private readonly AuthenticationStateProvider _auth;
    private Requester? _who;

    public CurrentUser(AuthenticationStateProvider auth)
    {
        _auth = auth;
        _auth.AuthenticationStateChanged += OnChanged;
    }

    /// <summary>True once this circuit's login has ended.</summary>
    public bool Ended { get; private set; }

    public async Task<Requester> GetAsync()
    {
        if (Ended)
            throw new InvalidOperationException("the session has ended: log in again");
        if (_who is null)
        {
            var state = await _auth.GetAuthenticationStateAsync();
            _who = state.User.ToRequester();
        }
        return _who;
    }

    private void OnChanged(Task<AuthenticationState> state) => _ = EndIfSignedOutAsync(state);

    private async Task EndIfSignedOutAsync(Task<AuthenticationState> state)
    {
        if ((await state).User.Identity?.IsAuthenticated != true)
        {
            Ended = true;
            _who = null;
        }
    }

    public void Dispose() => _auth.AuthenticationStateChanged -= OnChanged;
}
