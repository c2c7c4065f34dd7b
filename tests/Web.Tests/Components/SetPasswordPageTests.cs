using Bunit;
using ClipSurgeryWeb.Web.Auth;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Forms;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using SetPasswordPage = ClipSurgeryWeb.Web.Components.Pages.Account.SetPassword;

namespace ClipSurgeryWeb.Web.Tests.Components;

/// <summary>The set-password form states every password rule before anyone types, from the configured Identity options.</summary>
public sealed class SetPasswordPageTests : ComponentTestContext
{
    /// <summary>The token a static form carries; in the app, the request's.</summary>
    private sealed class FixedAntiforgery : AntiforgeryStateProvider
    {
        public override AntiforgeryRequestToken? GetAntiforgeryToken() => new("test-token", "__RequestVerificationToken");
    }

    public SetPasswordPageTests() => Services.AddSingleton<AntiforgeryStateProvider, FixedAntiforgery>();

    private IReadOnlyList<string> RulesShown()
    {
        Services.GetRequiredService<NavigationManager>().NavigateTo("/account/set-password?email=new%40example.com&token=abc");
        var page = Render<SetPasswordPage>();
        Assert.Contains("Welcome, new@example.com.", page.Markup);
        return page.FindAll("[data-testid=password-rules] li").Select(li => li.TextContent.Trim()).ToList();
    }

    [Fact]
    public void The_rules_are_the_configured_ones_the_apps_own()
    {
        // The app's configuration (WebExtensions): 8 characters, no symbol needed, Identity's defaults otherwise.
        Services.Configure<IdentityOptions>(o =>
        {
            o.Password.RequiredLength = 8;
            o.Password.RequireNonAlphanumeric = false;
        });

        Assert.Equal(["at least 8 characters", "an upper-case letter (A–Z)", "a lower-case letter (a–z)", "a digit (0–9)"], RulesShown());
    }

    [Fact]
    public void Other_options_give_other_rules()
    {
        Services.Configure<IdentityOptions>(o =>
        {
            o.Password.RequiredLength = 12;
            o.Password.RequiredUniqueChars = 4;
            o.Password.RequireDigit = false;
            o.Password.RequireUppercase = false;
            o.Password.RequireNonAlphanumeric = true;
        });

        Assert.Equal(["at least 12 characters", "at least 4 different characters", "a lower-case letter (a–z)",
            "a character that is neither a letter nor a digit, such as ! or -"], RulesShown());
    }

    [Fact]
    public void The_descriptions_follow_the_options()
    {
        Assert.Equal(["at least 1 character"], PasswordRules.Describe(new PasswordOptions
        {
            RequiredLength = 1, RequireDigit = false, RequireLowercase = false, RequireUppercase = false, RequireNonAlphanumeric = false,
        }));
    }
}
