using System.Net;
using ClipSurgeryWeb.Data;
using ClipSurgeryWeb.Jobs.Running;
using ClipSurgeryWeb.Web.Auth;
using ClipSurgeryWeb.Web.Services;
using ClipSurgeryWeb.Web.Tests.Support;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;

namespace ClipSurgeryWeb.Web.Tests.Integration;

/// <summary>Logging in and out, invitations and new members: what a stolen cookie or a guessed link can and cannot do.</summary>
public sealed class AccountTests : IDisposable
{
    private static readonly Uri Base = new("http://localhost");

    private readonly ClipSurgeryAppFactory _factory = ClipSurgeryAppFactory.Fresh();

    public void Dispose()
    {
        _factory.Dispose();
        _factory.DeleteFiles();
    }

    [Theory]
    [InlineData("/\u0001evil")]
    [InlineData("/history\r\nSet-Cookie: x=1")]
    [InlineData("/\u007f")]
    [InlineData("//evil.example")]
    [InlineData("/\\evil.example")]
    [InlineData("https://evil.example/")]
    public async Task A_return_url_that_is_not_a_local_path_sends_the_login_to_the_start_page(string returnUrl)
    {
        using var client = new AppClient(_factory);

        var response = await client.PostLoginAsync(ClipSurgeryAppFactory.AdminEmail, ClipSurgeryAppFactory.AdminPassword, returnUrl);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/", response.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task A_local_return_url_is_where_the_login_goes()
    {
        using var client = new AppClient(_factory);

        var response = await client.PostLoginAsync(ClipSurgeryAppFactory.AdminEmail, ClipSurgeryAppFactory.AdminPassword, "/history?mine=true");

        Assert.Equal("/history?mine=true", response.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task A_cookie_copied_before_logout_is_refused_after_it()
    {
        using var member = await AppClient.LoginAsync(_factory);
        var copied = member.Cookies.GetCookieHeader(Base);
        using var thief = new AppClient(_factory);
        thief.Http.DefaultRequestHeaders.Add("Cookie", copied);
        Assert.Equal(HttpStatusCode.OK, (await thief.Http.GetAsync("/api/models")).StatusCode);

        var logout = await member.Http.PostAsync("/account/logout", null);

        Assert.Equal("/account/login", logout.Headers.Location?.OriginalString);
        Assert.Equal(HttpStatusCode.Unauthorized, (await thief.Http.GetAsync("/api/models")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await member.Http.GetAsync("/api/models")).StatusCode);
        using var again = await AppClient.LoginAsync(_factory);
        Assert.Equal(HttpStatusCode.OK, (await again.Http.GetAsync("/api/models")).StatusCode);
    }

    [Fact]
    public async Task An_open_pages_login_is_no_longer_current_once_its_member_has_logged_out()
    {
        var scopes = _factory.Services.GetRequiredService<IServiceScopeFactory>();
        AuthenticationState state;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<TeamMember>>();
            var admin = (await users.FindByEmailAsync(ClipSurgeryAppFactory.AdminEmail))!;
            state = new AuthenticationState(await scope.ServiceProvider.GetRequiredService<SignInManager<TeamMember>>().CreateUserPrincipalAsync(admin));
            Assert.True(await SessionRevalidation.IsCurrentAsync(scopes, state));

            await users.UpdateSecurityStampAsync(admin); // what logging out does
        }

        Assert.False(await SessionRevalidation.IsCurrentAsync(scopes, state));
    }

    [Fact]
    public async Task Setting_a_password_answers_the_same_for_an_unknown_email_as_for_a_wrong_token()
    {
        await _factory.CreateMemberAsync("member@example.com");

        var unknown = await SetPasswordAsync("nobody@example.com", "some-token");
        var wrongToken = await SetPasswordAsync("member@example.com", "some-token");

        Assert.Equal($"invitation: {MemberAdmin.InvalidInvitation}", unknown);
        Assert.Equal(unknown, wrongToken);
    }

    [Theory]
    [InlineData("a@b@example.com")]
    [InlineData("first last@example.com")]
    [InlineData("@example.com")]
    public async Task Creating_a_member_with_an_invalid_email_names_the_email_not_the_password(string email)
    {
        await using var scope = _factory.Services.CreateAsyncScope();
        var members = scope.ServiceProvider.GetRequiredService<MemberAdmin>();

        var refused = await Assert.ThrowsAsync<RequestRejectedException>(() => members.AddAsync(email, "Good-pass-1", admin: false, "http://localhost/"));

        Assert.Equal("email", refused.Subject);
        Assert.Contains(email, refused.Reason);
    }

    [Fact]
    public async Task Creating_a_member_with_a_weak_password_names_the_password()
    {
        await using var scope = _factory.Services.CreateAsyncScope();
        var members = scope.ServiceProvider.GetRequiredService<MemberAdmin>();

        var refused = await Assert.ThrowsAsync<RequestRejectedException>(() => members.AddAsync("new@example.com", "short", admin: false, "http://localhost/"));

        Assert.Equal("password", refused.Subject);
    }

    /// <summary>Posts the set-password form as the invitation page would; returns the error the page is sent back with.</summary>
    private async Task<string?> SetPasswordAsync(string email, string token)
    {
        using var client = new AppClient(_factory);
        var page = await client.Http.GetStringAsync($"/account/set-password?email={Uri.EscapeDataString(email)}&token={token}");
        var antiforgery = System.Text.RegularExpressions.Regex.Match(page, "name=\"__RequestVerificationToken\" value=\"([^\"]+)\"").Groups[1].Value;
        var response = await client.Http.PostAsync("/account/set-password", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["email"] = email, ["token"] = token, ["password"] = "Chosen-pass-1", ["__RequestVerificationToken"] = antiforgery,
        }));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return QueryHelpers.ParseQuery(new Uri(Base, response.Headers.Location!).Query)["error"];
    }
}
