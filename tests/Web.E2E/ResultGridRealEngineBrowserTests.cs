using ClipSurgeryWeb.Web.E2E.Support;
using ClipSurgeryWeb.Web.Tests.Support;
using Microsoft.Playwright;

namespace ClipSurgeryWeb.Web.E2E;

/// <summary>The result grid and the tile viewer over maps the real engine computed (tiny fixture model), for screenshots a reader can trust.</summary>
public sealed class ResultGridRealEngineBrowserTests(RealEngineBrowserApp app) : IClassFixture<RealEngineBrowserApp>
{
    [Fact]
    public async Task The_grid_and_the_viewer_show_the_real_engines_heatmaps_over_the_uploaded_image()
    {
        await using var context = await app.Browser.NewContextAsync(new() { ViewportSize = new() { Width = 1400, Height = 1500 } });
        var page = await app.LoggedInPageAsync(context);

        await BrowserApp.SetInputFilesAsync(page, "upload-input", SampleImages.Path("demo.jpg"));
        await page.GetByTestId("upload-thumb").First.WaitForAsync();
        await page.GetByTestId("labels-input").FillAsync("person, bench, tree, grass, sky");
        await page.GetByTestId("labels-input").PressAsync("Enter");
        await page.GetByTestId("label-chips").GetByText("sky").WaitForAsync();
        await page.GetByTestId("sam-select").Locator("xpath=ancestor-or-self::div[contains(@class,'mud-select')][1]").ClickAsync();
        await page.Locator(".mud-popover-open .mud-list-item").GetByText(RealEngine.SamModel).ClickAsync();
        await Assertions.Expect(page.GetByTestId("sam-select").Locator("xpath=ancestor-or-self::div[contains(@class,'mud-select')][1]"))
            .ToContainTextAsync(RealEngine.SamModel);
        await page.GetByTestId("run-button").ClickAsync();

        var grid = page.GetByTestId("result-grid");
        await Assertions.Expect(grid.Locator("img[data-testid=heatmap-img]")).ToHaveCountAsync(10);
        await page.WaitForFunctionAsync(
            "() => [...document.querySelectorAll('img[data-testid=heatmap-img]')].every(i => i.complete && i.naturalWidth === 500 && i.naturalHeight === 375)");
        await Assertions.Expect(grid.GetByTestId("result-label")).ToHaveTextAsync(["person", "bench", "tree", "grass", "sky"]);
        await Assertions.Expect(grid.GetByTestId("result-column")).ToHaveTextAsync(["Plain CLIP", "Surgery", "SAM mask"]);
        await Assertions.Expect(grid.Locator("img[data-testid=mask-img]")).ToHaveCountAsync(5);
        await Assertions.Expect(grid.GetByTestId("sam-link")).ToHaveCountAsync(1);
        await page.WaitForFunctionAsync("() => [...document.querySelectorAll('img[data-testid=mask-img]')].every(i => i.complete && i.naturalWidth > 0)");
        await BrowserApp.ScreenshotAsync(page, "results-grid-real-engine");

        await grid.Locator("[data-testid=result-tile][data-label=person][data-column=cs]").ClickAsync();
        var viewer = page.GetByTestId("tile-viewer");
        await Assertions.Expect(viewer).ToHaveAttributeAsync("data-label", "person");
        // The viewer takes the focus once it has rendered (a round trip): keys pressed before that go to the page.
        await Assertions.Expect(viewer).ToBeFocusedAsync();
        await page.Keyboard.PressAsync("ArrowDown");
        await Assertions.Expect(viewer).ToHaveAttributeAsync("data-label", "bench");
        await page.WaitForFunctionAsync(
            "() => ['viewer-image', 'viewer-overlay'].every(id => { const i = document.querySelector(`[data-testid=${id}]`); return i && i.complete && i.naturalWidth === 500; })");
        await BrowserApp.ScreenshotAsync(page, "tile-viewer-real-engine");
    }
}
