using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using ClipSurgeryWeb.Hosting.Live;
using ClipSurgeryWeb.Hosting.Options;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace ClipSurgeryWeb.Web.Auth;

/// <summary>
/// Authenticates remote workers by the shared key (ClipSurgery:Jobs:WorkerKey) in the X-Worker-Key header, so their
/// progress can reach the hub. No key configured: no worker can authenticate.
/// </summary>
public sealed class WorkerKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, IOptions<ClipSurgeryOptions> settings)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "WorkerKey";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var expected = settings.Value.Jobs.WorkerKey;
        if (!Request.Headers.TryGetValue(HubClientJobEvents.WorkerKeyHeader, out var given) || string.IsNullOrEmpty(expected))
            return Task.FromResult(AuthenticateResult.NoResult());
        if (!CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(given.ToString()), Encoding.UTF8.GetBytes(expected)))
            return Task.FromResult(AuthenticateResult.Fail("wrong worker key"));
        var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, "worker"), new Claim(ClaimTypes.Role, Roles.Worker)], SchemeName);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName)));
    }
}
