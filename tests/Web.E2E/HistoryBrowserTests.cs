using System.Text.RegularExpressions;
using ClipSurgeryWeb.Web.E2E.Support;
using ClipSurgeryWeb.Web.Tests.Support;
using Microsoft.Playwright;

namespace ClipSurgeryWeb.Web.E2E;

/// <summary>
/// History in a real browser: an admin sees the team's runs with who ran them and filters them; a member sees only
/// theirs and deletes a run and then its upload, each after a confirmation. The login page in the app's theme.
/// </summary>
public sealed class HistoryBrowserTests(BrowserApp app) : IClassFixture<BrowserApp>
{
    private const string MemberEmail = "member@example.com";

    /// <summary>A session of the API over the app's socket (the browser tests' app runs on Kestrel), logged in.</summary>
    private async Task<AppClient> ApiAsync(string email, string password)
    {
        var client = AppClient.OverSockets(app.Factory, new Uri(app.BaseUrl));
        var login = await client.PostLoginAsync(email, password);
        Assert.Equal(System.Net.HttpStatusCode.Redirect, login.StatusCode);
        return client;
    }

    private static async Task<Guid> FinishedExplainAsync(AppClient client, Guid image, params string[] labels)
    {
        var run = await client.StartAsync("explain", new { imageIds = new[] { image }, model = ClipSurgeryAppFactory.ModelName, labels });
        Assert.Equal("Succeeded", (await client.WaitForFinishAsync(run)).Status);
        return run;
    }

    private async Task<IPage> MemberPageAsync(IBrowserContext context)
    {
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(BrowserApp.SafetyTimeoutMs);
        await page.GotoAsync(app.BaseUrl + "/account/login");
        await page.GetByTestId("login-email").FillAsync(MemberEmail);
        await page.GetByTestId("login-password").FillAsync(ClipSurgeryAppFactory.MemberPassword);
        await page.GetByTestId("login-submit").ClickAsync();
        await BrowserApp.WaitInteractiveAsync(page);
        return page;
    }

    private static async Task OpenHistoryAsync(IPage page)
    {
        await page.GetByRole(AriaRole.Link, new() { Name = "History" }).ClickAsync();
        await page.GetByTestId("history-table").WaitForAsync();
    }

    private static async Task ConfirmAsync(IPage page, string says)
    {
        var dialog = page.Locator(".mud-dialog");
        await Assertions.Expect(dialog).ToContainTextAsync(says);
        await Assertions.Expect(dialog).ToContainTextAsync("This cannot be undone");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Delete", Exact = true }).ClickAsync();
        await Assertions.Expect(dialog).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task An_admin_sees_and_filters_everyones_runs_and_a_member_deletes_their_run_and_then_its_upload()
    {
        await app.Factory.CreateMemberAsync(MemberEmail);
        using var memberApi = await ApiAsync(MemberEmail, ClipSurgeryAppFactory.MemberPassword);
        using var adminApi = await ApiAsync(ClipSurgeryAppFactory.AdminEmail, ClipSurgeryAppFactory.AdminPassword);
        var membersImage = await memberApi.UploadImageAsync("members-street.png");
        var membersRun = await FinishedExplainAsync(memberApi, membersImage, "cat", "sofa");
        await FinishedExplainAsync(adminApi, await adminApi.UploadImageAsync("admins-park.png"), "dog", "owl");

        // The admin: both runs, each with who ran it; the label filter and "only mine" narrow them.
        await using var adminContext = await app.Browser.NewContextAsync(new() { ViewportSize = new() { Width = 1400, Height = 1000 } });
        var admin = await app.LoggedInPageAsync(adminContext);
        await OpenHistoryAsync(admin);
        var who = admin.GetByTestId("history-who");
        await Assertions.Expect(who).ToHaveTextAsync([ClipSurgeryAppFactory.AdminEmail, MemberEmail]);
        await Assertions.Expect(admin.GetByTestId("history-count")).ToHaveTextAsync("2 runs");
        await BrowserApp.ScreenshotAsync(admin, "history-admin");

        await admin.Locator("input[data-testid=history-label]").FillAsync("sofa");
        await Assertions.Expect(who).ToHaveTextAsync([MemberEmail]);
        await Assertions.Expect(admin.GetByTestId("history-count")).ToHaveTextAsync("1 of 2 runs");
        await BrowserApp.ScreenshotAsync(admin, "history-admin-filtered");
        await admin.Locator("input[data-testid=history-label]").FillAsync("");
        await Assertions.Expect(who).ToHaveCountAsync(2);
        await admin.GetByText("Only mine").ClickAsync();
        await Assertions.Expect(who).ToHaveTextAsync([ClipSurgeryAppFactory.AdminEmail]);

        // The member: only their run, no Who column; its upload cannot go while the run uses it.
        await using var memberContext = await app.Browser.NewContextAsync(new() { ViewportSize = new() { Width = 1400, Height = 1000 } });
        var member = await MemberPageAsync(memberContext);
        await OpenHistoryAsync(member);
        await Assertions.Expect(member.GetByTestId("history-run")).ToHaveCountAsync(1);
        await Assertions.Expect(member.GetByTestId("history-run")).ToHaveAttributeAsync("data-run", membersRun.ToString());
        await Assertions.Expect(member.GetByTestId("history-who-header")).ToHaveCountAsync(0);
        await Assertions.Expect(member.GetByTestId("upload-name")).ToHaveTextAsync(["members-street.png"]);
        await Assertions.Expect(member.GetByTestId("delete-upload-blocked")).ToHaveAttributeAsync("title", "used by 1 run; delete it first");
        await BrowserApp.ScreenshotAsync(member, "history-member");

        await member.GetByTestId("delete-run").ClickAsync();
        await ConfirmAsync(member, "Delete the explain run of");
        await Assertions.Expect(member.GetByTestId("history-run")).ToHaveCountAsync(0);
        await Assertions.Expect(member.GetByTestId("history-empty")).ToHaveTextAsync("No runs yet.");
        Assert.Null(await memberApi.GetRunAsync(membersRun));

        await member.GetByTestId("delete-upload").ClickAsync();
        await ConfirmAsync(member, "Delete 'members-street.png'");
        await Assertions.Expect(member.GetByTestId("upload-name")).ToHaveCountAsync(0);
        Assert.Equal(System.Net.HttpStatusCode.NotFound, (await memberApi.Http.GetAsync($"/api/images/{membersImage}")).StatusCode);
        await BrowserApp.ScreenshotAsync(member, "history-member-deleted");

        // The admin's History, live: the member's run is gone from the full list too.
        await admin.GetByText("Only mine").ClickAsync();
        await Assertions.Expect(who).ToHaveTextAsync([ClipSurgeryAppFactory.AdminEmail]);
        await Assertions.Expect(admin.GetByTestId("history-count")).ToHaveTextAsync("1 run");
    }

    [Fact]
    public async Task The_login_page_has_the_apps_title_bar_and_theme_and_a_favicon()
    {
        await using var context = await app.Browser.NewContextAsync(new() { ViewportSize = new() { Width = 1200, Height = 800 } });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(BrowserApp.SafetyTimeoutMs);

        await page.GotoAsync(app.BaseUrl + "/history");

        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/account/login"));
        await Assertions.Expect(page.Locator("header.mud-appbar")).ToContainTextAsync("ClipSurgery");
        // The app's primary colour on the button, as on every app page (MudBlazor's theme, rendered without a circuit).
        var primary = await page.EvaluateAsync<string>("() => getComputedStyle(document.documentElement).getPropertyValue('--mud-palette-primary').trim()");
        Assert.False(string.IsNullOrEmpty(primary));
        var button = await page.GetByTestId("login-submit").EvaluateAsync<string>("b => getComputedStyle(b).backgroundColor");
        var appBar = await page.Locator("header.mud-appbar").EvaluateAsync<string>("b => getComputedStyle(b).backgroundColor");
        Assert.Equal(appBar, button);
        var icon = await page.Locator("link[rel=icon]").GetAttributeAsync("href");
        Assert.Equal("favicon.svg", icon);
        var served = await page.APIRequest.GetAsync(app.BaseUrl + "/favicon.svg");
        Assert.Equal(200, served.Status);
        await BrowserApp.ScreenshotAsync(page, "login");
    }
}
