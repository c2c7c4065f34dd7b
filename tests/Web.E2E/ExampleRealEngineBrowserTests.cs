using ClipSurgeryWeb.Web.E2E.Support;
using ClipSurgeryWeb.Web.Services.Runs;
using ClipSurgeryWeb.Web.Tests.Support;
using Microsoft.Playwright;

namespace ClipSurgeryWeb.Web.E2E;

/// <summary>
/// A first visit on the real engine (tiny fixture models): "Try an example" uploads the app's own drawn scene and runs the
/// demo's question, the grid shows every target with SAM masks and CLIP's ranking of the 59 labels, and a tile opens in
/// the viewer. Its screenshots are the README's (an image the app draws itself, never one taken from elsewhere).
/// </summary>
public sealed class ExampleRealEngineBrowserTests(RealEngineBrowserApp app) : IClassFixture<RealEngineBrowserApp>
{
    [Fact]
    public async Task Try_an_example_produces_the_grid_with_scores_and_masks_and_a_tile_opens_in_the_viewer()
    {
        await using var context = await app.Browser.NewContextAsync(new() { ViewportSize = new() { Width = 1400, Height = 1200 } });
        var page = await app.LoggedInPageAsync(context);
        var sam = page.GetByTestId("sam-select").Locator("xpath=ancestor-or-self::div[contains(@class,'mud-select')][1]");
        await sam.ClickAsync();
        await page.Locator(".mud-popover-open .mud-list-item").GetByText(RealEngine.SamModel).ClickAsync();
        await Assertions.Expect(sam).ToContainTextAsync(RealEngine.SamModel);

        await page.GetByTestId("try-example").ClickAsync();

        var grid = page.GetByTestId("result-grid");
        await Assertions.Expect(grid.GetByTestId("result-label")).ToHaveTextAsync(ExampleScene.Targets.ToArray());
        await Assertions.Expect(grid.GetByTestId("result-column")).ToHaveTextAsync(["Plain CLIP", "Surgery", "SAM mask"]);
        await Assertions.Expect(grid.Locator("img[data-testid=heatmap-img]")).ToHaveCountAsync(2 * ExampleScene.Targets.Count);
        await Assertions.Expect(grid.Locator("img[data-testid=mask-img]")).ToHaveCountAsync(ExampleScene.Targets.Count);
        // CLIP's own ranking of the 59 labels for the whole image is stored with the run and shown beside the grid.
        await Assertions.Expect(grid.GetByTestId("label-scores")).ToContainTextAsync("%");
        await page.WaitForFunctionAsync(
            "() => [...document.querySelectorAll('img[data-testid=heatmap-img], img[data-testid=mask-img]')].every(i => i.complete && i.naturalWidth > 0)");
        await BrowserApp.ScreenshotAsync(page, "example-results-grid");

        var first = ExampleScene.Targets[0];
        await grid.Locator($"[data-testid=result-tile][data-label='{first}'][data-column=cs]").ClickAsync();
        var viewer = page.GetByTestId("tile-viewer");
        await Assertions.Expect(viewer).ToHaveAttributeAsync("data-label", first);
        // The real engine's value range labels the colour bar's ends (not the generic "min/max of this map").
        await Assertions.Expect(page.GetByTestId("colour-bar-min")).ToContainTextAsync("0 = min similarity of this map (");
        await Assertions.Expect(page.GetByTestId("colour-bar-max")).ToContainTextAsync("1 = max (");
        await page.WaitForFunctionAsync(
            "() => ['viewer-image', 'viewer-overlay'].every(id => { const i = document.querySelector(`[data-testid=${id}]`); return i && i.complete && i.naturalWidth > 0; })");
        await BrowserApp.ScreenshotAsync(page, "example-tile-viewer");
    }
}
