using System.Security.Claims;
using ClipSurgeryWeb.Jobs.Running;

namespace ClipSurgeryWeb.Web.Auth;

public static class ClaimsPrincipalExtensions
{
    public static Requester ToRequester(this ClaimsPrincipal user) => new(
        user.FindFirstValue(ClaimTypes.NameIdentifier) ?? throw new InvalidOperationException("not logged in"),
        user.Identity?.Name ?? "?",
        user.IsInRole(Roles.Admin));
}
