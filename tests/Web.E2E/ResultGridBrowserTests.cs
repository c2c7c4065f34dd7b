using ClipSurgeryWeb.Web.E2E.Support;
using Microsoft.Playwright;

namespace ClipSurgeryWeb.Web.E2E;

/// <summary>Reading results in a real browser: the grid per image, its filters, and the tile viewer driven by the keyboard.</summary>
public sealed class ResultGridBrowserTests(BrowserApp app) : IClassFixture<BrowserApp>
{
    [Fact]
    public async Task Explain_shows_a_grid_of_targets_by_method_that_filters_and_opens_tiles_walked_by_arrow_keys()
    {
        // Tall enough for the whole page, so the full-page screenshots show the viewer over it as a user sees it.
        await using var context = await app.Browser.NewContextAsync(new() { ViewportSize = new() { Width = 1400, Height = 1500 } });
        var page = await app.LoggedInPageAsync(context);

        await BrowserApp.SetInputFilesAsync(page, "upload-input", SampleImages.Path("bwcat_cat.png"));
        await page.GetByTestId("upload-thumb").First.WaitForAsync();
        await page.GetByTestId("labels-input").FillAsync("cat, dog, person, potted plant, bench");
        await page.GetByTestId("labels-input").PressAsync("Enter");
        await page.GetByTestId("label-chips").GetByText("bench").WaitForAsync();
        await page.GetByTestId("run-button").ClickAsync();

        var grid = page.GetByTestId("result-grid");
        var heatmaps = grid.Locator("img[data-testid=heatmap-img]");
        await Assertions.Expect(heatmaps).ToHaveCountAsync(10);
        await page.WaitForFunctionAsync(
            "() => [...document.querySelectorAll('img[data-testid=heatmap-img]')].every(i => i.complete && i.naturalWidth > 0)");
        // Rows are the labels in the order typed, columns plain CLIP before Surgery.
        await Assertions.Expect(grid.GetByTestId("result-label")).ToHaveTextAsync(["cat", "dog", "person", "potted plant", "bench"]);
        await Assertions.Expect(grid.GetByTestId("result-column")).ToHaveTextAsync(["Plain CLIP", "Surgery"]);
        await BrowserApp.ScreenshotAsync(page, "results-grid");

        // Filter by label (search), then by method.
        await grid.Locator("input[data-testid=label-search]").FillAsync("p");
        await Assertions.Expect(grid.GetByTestId("result-label")).ToHaveTextAsync(["person", "potted plant"]);
        await Assertions.Expect(heatmaps).ToHaveCountAsync(4);
        await grid.Locator("input[data-testid=label-search]").FillAsync("");
        await Assertions.Expect(heatmaps).ToHaveCountAsync(10);
        await grid.GetByTestId("method-toggle-plain").ClickAsync();
        await Assertions.Expect(grid.Locator("img[data-testid=heatmap-img][data-mode=plain]")).ToHaveCountAsync(0);
        await Assertions.Expect(heatmaps).ToHaveCountAsync(5);
        await grid.GetByTestId("method-toggle-plain").ClickAsync();
        await Assertions.Expect(heatmaps).ToHaveCountAsync(10);

        // Open a tile; the viewer has the focus, so the arrow keys walk methods and targets.
        await grid.Locator("[data-testid=result-tile][data-label=cat][data-column=plain]").ClickAsync();
        var viewer = page.GetByTestId("tile-viewer");
        await Assertions.Expect(viewer).ToBeVisibleAsync();
        await Assertions.Expect(viewer).ToHaveAttributeAsync("data-column", "plain");
        await Assertions.Expect(viewer.GetByTestId("colour-bar")).ToContainTextAsync("0 = min");
        // The viewer takes the focus once it has rendered (a round trip): keys pressed before that go to the page.
        await Assertions.Expect(viewer).ToBeFocusedAsync();
        await page.Keyboard.PressAsync("ArrowRight");
        await Assertions.Expect(viewer).ToHaveAttributeAsync("data-column", "cs");
        await page.Keyboard.PressAsync("ArrowDown");
        await Assertions.Expect(viewer).ToHaveAttributeAsync("data-label", "dog");
        await Assertions.Expect(viewer).ToHaveAttributeAsync("data-column", "cs");
        await page.WaitForFunctionAsync(
            "() => ['viewer-image', 'viewer-overlay'].every(id => { const i = document.querySelector(`[data-testid=${id}]`); return i && i.complete && i.naturalWidth > 0; })");
        await BrowserApp.ScreenshotAsync(page, "tile-viewer");

        await page.Keyboard.PressAsync("Escape");
        await Assertions.Expect(viewer).ToHaveCountAsync(0);
    }
}
