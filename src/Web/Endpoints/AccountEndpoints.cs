using ClipSurgeryWeb.Web.Auth;
using ClipSurgeryWeb.Data;
using ClipSurgeryWeb.Jobs.Running;
using ClipSurgeryWeb.Web.Live;
using ClipSurgeryWeb.Web.Services;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;

namespace ClipSurgeryWeb.Web.Endpoints;

/// <summary>Log in and out by form post: cookies can only be set on an HTTP response, not over a Blazor circuit.</summary>
public static class AccountEndpoints
{
    public static IEndpointRouteBuilder MapAccountEndpoints(this IEndpointRouteBuilder app)
    {
        var account = app.MapGroup("/account");
        account.MapPost("/login", async ([FromForm] string email, [FromForm] string password, [FromForm] string? returnUrl,
            SignInManager<TeamMember> signIn) =>
        {
            var target = IsLocal(returnUrl) ? returnUrl! : "/";
            var result = await signIn.PasswordSignInAsync(email.Trim(), password, isPersistent: true, lockoutOnFailure: true);
            if (result.Succeeded)
                return Results.LocalRedirect(target);
            var error = result.IsLockedOut ? "locked" : "invalid";
            return Results.LocalRedirect($"/account/login?error={error}&returnUrl={Uri.EscapeDataString(target)}");
        }).AllowAnonymous();

        account.MapPost("/set-password", async ([FromForm] string email, [FromForm] string token, [FromForm] string password,
            MemberAdmin members) =>
        {
            try
            {
                await members.SetPasswordAsync(email, token, password);
                return Results.LocalRedirect(PasswordSetLogin(email));
            }
            catch (RequestRejectedException e)
            {
                return Results.LocalRedirect(
                    $"/account/set-password?email={Uri.EscapeDataString(email)}&token={Uri.EscapeDataString(token)}&error={Uri.EscapeDataString($"{e.Subject}: {e.Reason}")}");
            }
        }).AllowAnonymous();

        account.MapPost("/logout", async (HttpContext http, SignInManager<TeamMember> signIn, UserManager<TeamMember> users,
            LiveConnections live) =>
        {
            // A new security stamp ends this session everywhere: a copy of the cookie is refused from its next request on,
            // and the member's open live-hub connections (authenticated only when they opened) are closed now.
            if (await users.GetUserAsync(http.User) is { } member)
            {
                await users.UpdateSecurityStampAsync(member);
                live.AbortMember(member.Id);
            }
            await signIn.SignOutAsync();
            return Results.LocalRedirect("/account/login");
        });

        // For scripts and tests that post forms (image uploads) with cookie auth: the antiforgery token for this user.
        account.MapGet("/antiforgery", (IAntiforgery antiforgery, HttpContext http) =>
            Results.Ok(new { token = antiforgery.GetAndStoreTokens(http).RequestToken, header = "RequestVerificationToken" }));
        return app;
    }

    /// <summary>Where a member goes once their password is set: the login page, saying so, with their email filled in.</summary>
    public static string PasswordSetLogin(string email) => $"/account/login?passwordSet=true&email={Uri.EscapeDataString(email.Trim())}";

    /// <summary>
    /// A path on this site ("/x", not "//host" or "/\host"), with no control characters: anything else is not local
    /// and the login goes to "/". The same rule as LocalRedirect's, which throws on what this lets through.
    /// </summary>
    public static bool IsLocal(string? url) =>
        !string.IsNullOrEmpty(url) && url[0] == '/' && (url.Length == 1 || url[1] is not ('/' or '\\')) && !url.Any(char.IsControl);
}
