using ClipSurgeryWeb.Data;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Identity;

namespace ClipSurgeryWeb.Web.Auth;

/// <summary>
/// A login cookie is good only while its member's security stamp is unchanged. Logging out changes the stamp, so a copy
/// of the cookie (stolen, or left in another browser) stops working on its next request, not when it expires.
/// </summary>
public static class SessionValidation
{
    public static async Task ValidateAsync(CookieValidatePrincipalContext context)
    {
        // Identity's own validator: every ValidationInterval it rebuilds the principal (roles, claims) from the database.
        await SecurityStampValidator.ValidatePrincipalAsync(context);
        if (context.Principal?.Identity?.IsAuthenticated != true || context.ShouldRenew)
            return;
        // In between, the stamp alone, on every request: one lookup by id.
        var signIn = context.HttpContext.RequestServices.GetRequiredService<SignInManager<TeamMember>>();
        if (await signIn.ValidateSecurityStampAsync(context.Principal) is null)
        {
            context.RejectPrincipal();
            await signIn.SignOutAsync();
        }
    }
}
