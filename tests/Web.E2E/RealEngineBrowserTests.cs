using ClipSurgeryWeb.Web.E2E.Support;
using ClipSurgeryWeb.Web.Tests.Support;
using Microsoft.Playwright;

namespace ClipSurgeryWeb.Web.E2E;

/// <summary>A real browser on the real engine: the heatmaps the page shows were computed by CLIP Surgery on the tiny model.</summary>
public sealed class RealEngineBrowserTests(RealEngineBrowserApp app) : IClassFixture<RealEngineBrowserApp>
{
    [Fact]
    public async Task Explain_on_the_tiny_model_shows_Surgery_and_CLIP_heatmaps_of_the_uploaded_image()
    {
        await using var context = await app.Browser.NewContextAsync(new() { ViewportSize = new() { Width = 1400, Height = 1000 } });
        var page = await app.LoggedInPageAsync(context);

        await Assertions.Expect(page.GetByTestId("model-select")).ToContainTextAsync(RealEngine.ClipModel);
        await BrowserApp.SetInputFilesAsync(page, "upload-input", SampleImages.Path("demo.jpg"));
        await page.GetByTestId("upload-thumb").First.WaitForAsync();
        await page.GetByTestId("labels-input").FillAsync("person, bench");
        await page.GetByTestId("labels-input").PressAsync("Enter");
        await page.GetByTestId("label-chips").GetByText("bench").WaitForAsync();
        await page.GetByTestId("run-button").ClickAsync();

        var heatmaps = page.Locator("img[data-testid=heatmap-img]");
        await Assertions.Expect(heatmaps).ToHaveCountAsync(4);
        await page.WaitForFunctionAsync(
            "() => [...document.querySelectorAll('img[data-testid=heatmap-img]')].every(i => i.complete && i.naturalWidth === 500 && i.naturalHeight === 375)");
        await BrowserApp.ScreenshotAsync(page, "explain-real-engine");
    }
}
