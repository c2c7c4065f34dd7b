using ClipSurgeryWeb.Tests.Fakes;
using ClipSurgeryWeb.Web.Tests.Support;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace ClipSurgeryWeb.Web.E2E.Support;

/// <summary>
/// The app on real Kestrel (a free loopback port) and Debian's Chromium driven by Playwright. Screenshots go to
/// screenshots/ in the test output folder. Set CLIPSURGERY_E2E_CHROMIUM to use another Chromium binary.
/// </summary>
public class BrowserApp : IAsyncLifetime
{
    public static readonly string[] ChromiumArgs =
        ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"];

    private IPlaywright? _playwright;

    public FakeClipEngine Engine { get; } = new() { StepDelay = TimeSpan.FromMilliseconds(80) };

    public ClipSurgeryAppFactory Factory { get; private set; } = default!;

    public IBrowser Browser { get; private set; } = default!;

    public string BaseUrl { get; private set; } = "";

    public static string Screenshots { get; } = Directory.CreateDirectory(Path.Combine(AppContext.BaseDirectory, "screenshots")).FullName;

    /// <summary>
    /// How long any wait (locator, navigation, expectation) may take: only turns a hang into a failure. Playwright's own
    /// defaults (30 s for actions, 5 s for expectations) are deadlines a loaded two-core machine misses.
    /// </summary>
    public const float SafetyTimeoutMs = 120_000;

    public static string ChromiumPath => Environment.GetEnvironmentVariable("CLIPSURGERY_E2E_CHROMIUM") ?? "/usr/bin/chromium";

    public async Task InitializeAsync()
    {
        Factory = CreateFactory();
        Factory.UseKestrel(0);
        Factory.StartServer();
        var addresses = Factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        BaseUrl = addresses.First().Replace("[::]", "127.0.0.1").Replace("0.0.0.0", "127.0.0.1").TrimEnd('/');

        Assertions.SetDefaultExpectTimeout(SafetyTimeoutMs);
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ChromiumArgs,
        });
    }

    /// <summary>The installation under test: the fake engine here; <see cref="RealEngineBrowserApp"/> runs the real one.</summary>
    protected virtual ClipSurgeryAppFactory CreateFactory() => ClipSurgeryAppFactory.Fresh(Engine);

    public async Task<IPage> LoggedInPageAsync(IBrowserContext context)
    {
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(SafetyTimeoutMs);
        await page.GotoAsync(BaseUrl + "/");
        await page.GetByTestId("login-email").FillAsync(ClipSurgeryAppFactory.AdminEmail);
        await page.GetByTestId("login-password").FillAsync(ClipSurgeryAppFactory.AdminPassword);
        await page.GetByTestId("login-submit").ClickAsync();
        await WaitInteractiveAsync(page);
        return page;
    }

    /// <summary>Waits until the Blazor circuit is up, so clicks and file inputs reach the server.</summary>
    public static Task WaitInteractiveAsync(IPage page) =>
        page.Locator("[data-testid=app-ready][data-interactive]").WaitForAsync(new() { State = WaitForSelectorState.Attached });

    /// <summary>
    /// Gives a Blazor <c>InputFile</c> its files once Blazor listens to it. The page turns interactive a round trip
    /// before <c>InputFile</c> registers its change listener (after the client acknowledged the first render), so files
    /// set in between are silently lost; Blazor's <c>InputFile.init</c> sets <c>_blazorInputFileNextFileId</c> on the
    /// element in the same step as the listener, so that property is the exact point to wait for.
    /// </summary>
    public static async Task SetInputFilesAsync(IPage page, string testId, string path)
    {
        await page.WaitForFunctionAsync("id => document.querySelector(`[data-testid=${id}]`)?._blazorInputFileNextFileId !== undefined", testId);
        await page.GetByTestId(testId).SetInputFilesAsync(path);
    }

    public static Task ScreenshotAsync(IPage page, string name) =>
        page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Screenshots, name + ".png"), FullPage = true });

    public async Task DisposeAsync()
    {
        if (Browser is not null)
            await Browser.CloseAsync();
        _playwright?.Dispose();
        if (Factory is not null)
        {
            await Factory.DisposeAsync();
            Factory.DeleteFiles();
        }
    }
}
