using System.Net;
using ClipSurgeryWeb.Web.Tests.Support;

namespace ClipSurgeryWeb.Web.Tests.Integration;

/// <summary>The account pages as served (static, no login): the app's theme and title bar, the favicon, the configured password rules.</summary>
public sealed class AccountPagesTests : IDisposable
{
    private readonly ClipSurgeryAppFactory _factory = ClipSurgeryAppFactory.Fresh();

    public void Dispose()
    {
        _factory.Dispose();
        _factory.DeleteFiles();
    }

    [Fact]
    public async Task The_login_page_has_the_apps_theme_its_title_bar_and_the_favicon()
    {
        using var anonymous = new AppClient(_factory);

        var page = WebUtility.HtmlDecode(await anonymous.Http.GetStringAsync("/account/login"));

        Assert.Contains("--mud-palette-primary", page);          // MudBlazor's theme variables, as on every app page
        Assert.Contains("mud-appbar", page);
        Assert.Contains("data-testid=\"account-title\"", page);
        Assert.Contains("_content/MudBlazor/MudBlazor.min.css", page);
        Assert.Contains("css/account.css", page);
        Assert.Matches("<link rel=\"icon\" type=\"image/svg\\+xml\" href=\"favicon.svg\"\\s*/?>", page);
        Assert.Contains("data-testid=\"login-submit\"", page);
    }

    [Fact]
    public async Task The_favicon_and_the_account_styles_are_served_without_a_login()
    {
        using var anonymous = new AppClient(_factory);

        var icon = await anonymous.Http.GetAsync("/favicon.svg");
        var css = await anonymous.Http.GetAsync("/css/account.css");

        Assert.Equal(HttpStatusCode.OK, icon.StatusCode);
        Assert.Equal("image/svg+xml", icon.Content.Headers.ContentType?.MediaType);
        Assert.StartsWith("<svg", await icon.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, css.StatusCode);
    }

    [Fact]
    public async Task The_set_password_page_lists_the_configured_rules_before_anything_is_typed()
    {
        using var anonymous = new AppClient(_factory);

        var page = WebUtility.HtmlDecode(await anonymous.Http.GetStringAsync("/account/set-password?email=new%40example.com&token=abc"));

        foreach (var rule in new[] { "at least 8 characters", "an upper-case letter (A–Z)", "a lower-case letter (a–z)", "a digit (0–9)" })
            Assert.Contains($"<li>{rule}</li>", page);
        Assert.DoesNotContain("neither a letter nor a digit", page); // the app does not ask for one
        Assert.Contains("minlength=\"8\"", page);
    }
}
