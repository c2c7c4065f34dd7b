using System.Globalization;
using ClipSurgeryWeb.Engine.Methods;
using ClipSurgeryWeb.Engine.Tests.Evaluation;
using ClipSurgeryWeb.Web.E2E.Support;
using ClipSurgeryWeb.Web.Tests.Support;
using Microsoft.Playwright;

namespace ClipSurgeryWeb.Web.E2E;

/// <summary>
/// The "done means" in a real browser on the real engine (tiny fixture models): on Explain a member picks four
/// methods, turns their label maps on and sees the heatmaps as one column per method and the label maps side by side
/// with their legends and shares; on Evaluate an admin starts an eval on a tiny VOC folder under the datasets root and
/// sees the scores table fill in.
/// </summary>
public sealed class LabelMapRealEngineBrowserTests(RealEngineBrowserApp app) : IClassFixture<RealEngineBrowserApp>
{
    private static readonly MapMethod[] Four =
        [MapMethod.Surgery, DenseMethod.Naclip.Method, DenseMethod.Sclip.Method, DenseMethod.ClipDense.Method];

    private static readonly string[] Labels = ["person", "bench", "tree"];

    /// <summary>Ticks or clears a MudBlazor checkbox by its input's test id and waits until the page shows it so.</summary>
    private static async Task SetCheckedAsync(IPage page, string testId, bool on)
    {
        var box = page.GetByTestId(testId);
        if (await box.IsCheckedAsync() != on)
            await box.DispatchEventAsync("click");
        if (on)
            await Assertions.Expect(box).ToBeCheckedAsync();
        else
            await Assertions.Expect(box).Not.ToBeCheckedAsync();
    }

    [Fact]
    public async Task Four_methods_show_their_heatmaps_as_columns_and_their_label_maps_side_by_side()
    {
        await using var context = await app.Browser.NewContextAsync(new() { ViewportSize = new() { Width = 1400, Height = 1500 } });
        var page = await app.LoggedInPageAsync(context);

        await Assertions.Expect(page.GetByTestId("model-select")).ToContainTextAsync(RealEngine.ClipModel);
        await BrowserApp.SetInputFilesAsync(page, "upload-input", SampleImages.Path("demo.jpg"));
        await page.GetByTestId("upload-thumb").First.WaitForAsync();
        await page.GetByTestId("labels-input").FillAsync(string.Join(", ", Labels));
        await page.GetByTestId("labels-input").PressAsync("Enter");
        await page.GetByTestId("label-chips").GetByText(Labels[^1]).WaitForAsync();
        foreach (var method in MapMethods.All.Select(m => m.Method))
            await SetCheckedAsync(page, $"mode-{method.Name}", Four.Contains(method));
        foreach (var method in Four)
            await SetCheckedAsync(page, $"label-method-{method.Name}", true);
        await page.GetByTestId("run-button").ClickAsync();

        // The grid: one column per chosen method, in the registry's order, each a heatmap per label at the image's size.
        var grid = page.GetByTestId("result-grid");
        var order = Four.OrderBy(MapMethods.Order).ToList();
        await Assertions.Expect(grid.Locator("img[data-testid=heatmap-img]")).ToHaveCountAsync(Four.Length * Labels.Length);
        await page.WaitForFunctionAsync(
            "() => [...document.querySelectorAll('img[data-testid=heatmap-img]')].every(i => i.complete && i.naturalWidth === 500 && i.naturalHeight === 375)");
        await Assertions.Expect(grid.GetByTestId("result-column")).ToHaveTextAsync(order.Select(m => m.DisplayName).ToArray());
        await Assertions.Expect(grid.GetByTestId("result-label")).ToHaveTextAsync(Labels);
        foreach (var method in Four)
            await Assertions.Expect(grid.Locator($"[data-testid=result-tile][data-column={method.Name}] img[data-testid=heatmap-img]")).ToHaveCountAsync(Labels.Length);

        // The label maps: one tile per method, in the same order, its overlay loaded, its shares naming the labels and summing to 1.
        var tiles = page.GetByTestId("label-map-tile");
        await Assertions.Expect(tiles).ToHaveCountAsync(Four.Length);
        Assert.Equal(order.Select(m => m.Name), await tiles.EvaluateAllAsync<string[]>("ts => ts.map(t => t.dataset.method)"));
        await Assertions.Expect(page.GetByTestId("label-map-method")).ToHaveTextAsync(order.Select(m => m.DisplayName).ToArray());
        // The overlay is the label map's size (demo.jpg at the short side 336: 448 wide) with its legend below.
        await page.WaitForFunctionAsync(
            "() => { const i = [...document.querySelectorAll('img[data-testid=label-map-img]')]; return i.length === 4 && i.every(i => i.complete && i.naturalWidth === 448 && i.naturalHeight > 336); }");
        for (var t = 0; t < order.Count; t++)
        {
            var shares = tiles.Nth(t).GetByTestId("label-share");
            Assert.True(await shares.CountAsync() >= 1, $"{order[t].Name}: no share listed");
            var classes = await shares.EvaluateAllAsync<string[]>("ss => ss.map(s => s.dataset.class)");
            Assert.All(classes, c => Assert.Contains(c, Labels));
            var values = (await shares.EvaluateAllAsync<string[]>("ss => ss.map(s => s.dataset.share)"))
                .Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToList();
            // Three classes: all with pixels are listed (up to five are), so the listed shares are the whole map.
            Assert.Equal(1.0, values.Sum(), 3);
            Assert.Equal(values.OrderByDescending(v => v), values);
            await Assertions.Expect(tiles.Nth(t).GetByTestId("label-ids-download")).ToHaveCountAsync(1);
        }
        await BrowserApp.ScreenshotAsync(page, "label-maps-four-methods-real-engine");
    }

    [Fact]
    public async Task An_admin_starts_an_eval_on_a_tiny_VOC_folder_and_sees_the_scores_table_fill_in()
    {
        var voc = Path.Combine(app.Factory.Root, "data", "datasets", "tiny-voc");
        var first = Enumerable.Range(0, 64 * 48).Select(i => (byte)(i % 64 < 3 ? 255 : i % 64 < 32 ? 15 : 0)).ToArray();
        var second = Enumerable.Range(0, 64 * 48).Select(i => (byte)(i / 64 < 20 ? 8 : i / 64 > 45 ? 255 : 12)).ToArray();
        EvalDatasetFiles.BuildVoc(voc, 64, [("2007_000001", first), ("2007_000002", second)]);

        await using var context = await app.Browser.NewContextAsync(new() { ViewportSize = new() { Width = 1400, Height = 1500 } });
        var page = await app.LoggedInPageAsync(context);
        await page.GotoAsync(app.BaseUrl + "/evaluate");
        await BrowserApp.WaitInteractiveAsync(page);
        await Assertions.Expect(page.GetByTestId("eval-model")).ToContainTextAsync(RealEngine.ClipModel);
        await page.GetByTestId("eval-folder").FillAsync("tiny-voc");
        var chosen = new[] { DenseMethod.Naclip.Method, DenseMethod.ClipDense.Method };
        foreach (var method in ClipSurgeryWeb.Jobs.Evaluation.EvalMethods.All)
            await SetCheckedAsync(page, $"eval-method-{method.Name}", chosen.Contains(method));
        await page.GetByTestId("eval-start").ClickAsync();

        var run = page.GetByTestId("eval-run").First;
        await Assertions.Expect(run).ToHaveAttributeAsync("data-status", "Succeeded");
        var rows = page.GetByTestId("scores-row");
        await Assertions.Expect(rows).ToHaveCountAsync(chosen.Length);
        Assert.Equal(chosen.OrderBy(MapMethods.Order).Select(m => m.Name), await rows.EvaluateAllAsync<string[]>("rs => rs.map(r => r.dataset.method)"));
        foreach (var method in chosen)
        {
            var cell = page.Locator($"[data-testid=scores-row][data-method={method.Name}] [data-testid=score-cell][data-dataset=Voc21]");
            await Assertions.Expect(cell).ToHaveCountAsync(1);
            var text = (await cell.InnerTextAsync()).Trim();
            var percent = double.Parse(text.TrimEnd('%', ' '), CultureInfo.InvariantCulture);
            Assert.True(percent is >= 0 and <= 100, $"{method.Name}: mIoU shown as '{text}'");
        }
        await BrowserApp.ScreenshotAsync(page, "evaluate-real-engine");
    }
}
