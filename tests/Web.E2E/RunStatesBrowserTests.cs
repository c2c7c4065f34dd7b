using System.Text.RegularExpressions;
using ClipSurgeryWeb.Web.E2E.Support;
using Microsoft.Playwright;

namespace ClipSurgeryWeb.Web.E2E;

/// <summary>
/// A run's states in a real browser (issue 11, "no dead ends"): the example in one click, a reload mid-run that keeps the
/// run (its id in the URL) and its live progress, a run queued behind a batch that says where it stands, and Cancel.
/// The engine is held at a known point (FakeClipEngine.Starting) instead of racing a timer.
/// </summary>
public sealed class RunStatesBrowserTests(BrowserApp app) : IClassFixture<BrowserApp>
{
    [Fact]
    public async Task Try_an_example_then_reload_mid_run_keeps_the_run_and_its_heatmaps_arrive()
    {
        using var gate = new ManualResetEventSlim();
        app.Engine.Starting = (_, _, ct) => gate.Wait(ct);
        try
        {
            await using var context = await app.Browser.NewContextAsync(new() { ViewportSize = new() { Width = 1400, Height = 1000 } });
            var page = await app.LoggedInPageAsync(context);
            await BrowserApp.ScreenshotAsync(page, "explain-getting-started");

            await page.GetByTestId("try-example").ClickAsync();

            await Assertions.Expect(page).ToHaveURLAsync(new Regex(@"/explain\?run=[0-9a-f-]{36}$"));
            var url = page.Url;
            var runId = await page.GetByTestId("run").GetAttributeAsync("data-run-id");
            Assert.EndsWith($"?run={runId}", url);
            await Assertions.Expect(page.GetByTestId("run-status")).ToHaveTextAsync("Running");
            await Assertions.Expect(page.GetByTestId("run-details")).ToContainTextAsync("clip_fake_jit");
            await Assertions.Expect(page.GetByTestId("cancel-button")).ToBeVisibleAsync();
            await BrowserApp.ScreenshotAsync(page, "explain-example-running");

            await page.ReloadAsync();
            await BrowserApp.WaitInteractiveAsync(page);

            Assert.Equal(url, page.Url);
            await Assertions.Expect(page.GetByTestId("run")).ToHaveAttributeAsync("data-run-id", runId!);
            await Assertions.Expect(page.GetByTestId("run-status")).ToHaveTextAsync("Running");
            await Assertions.Expect(page.GetByTestId("label-chips")).ToContainTextAsync("building");
            await BrowserApp.ScreenshotAsync(page, "explain-reloaded-mid-run");

            gate.Set();
            await Assertions.Expect(page.GetByTestId("run-status")).ToHaveTextAsync("Succeeded");
            await Assertions.Expect(page.Locator("img[data-testid=heatmap-img][data-label=bench]").First).ToBeVisibleAsync();
            await Assertions.Expect(page.GetByTestId("cancel-button")).ToHaveCountAsync(0);
            await BrowserApp.ScreenshotAsync(page, "explain-example-done");
        }
        finally
        {
            gate.Set();
            app.Engine.Starting = null;
        }
    }

    [Fact]
    public async Task A_run_queued_behind_a_batch_says_where_it_stands_and_both_can_be_cancelled()
    {
        using var gate = new ManualResetEventSlim();
        app.Engine.Starting = (_, _, ct) => gate.Wait(ct);
        try
        {
            await using var context = await app.Browser.NewContextAsync(new() { ViewportSize = new() { Width = 1400, Height = 1000 } });
            var batches = await app.LoggedInPageAsync(context);
            await batches.GotoAsync(app.BaseUrl + "/batches");
            await BrowserApp.WaitInteractiveAsync(batches);
            await BrowserApp.SetInputFilesAsync(batches, "upload-input", SampleImages.Path("bwcat_cat.png"));
            await batches.Locator("[data-testid=upload-thumb][data-selected=true]").WaitForAsync();
            var iterations = batches.Locator("input[data-testid=iterations-input], [data-testid=iterations-input] input").First;
            await iterations.FillAsync("20");
            await iterations.PressAsync("Tab");
            await batches.GetByTestId("start-batch").ClickAsync();
            await batches.Locator("[data-testid=run][data-status=Running]").First.WaitForAsync();
            var batchId = await batches.Locator("[data-testid=run][data-status=Running]").First.GetAttributeAsync("data-run-id");
            var batch = batches.Locator($"[data-testid=run][data-run-id='{batchId}']");

            var explain = await context.NewPageAsync();
            explain.SetDefaultTimeout(BrowserApp.SafetyTimeoutMs);
            await explain.GotoAsync(app.BaseUrl + "/explain");
            await BrowserApp.WaitInteractiveAsync(explain);
            await BrowserApp.SetInputFilesAsync(explain, "upload-input", SampleImages.Path("bwcat_dog.png"));
            await explain.GetByTestId("upload-thumb").First.WaitForAsync();
            await explain.GetByTestId("labels-input").FillAsync("dog, cat");
            await explain.GetByTestId("labels-input").PressAsync("Enter");
            await explain.GetByTestId("run-button").ClickAsync();

            await Assertions.Expect(explain.GetByTestId("run-status")).ToHaveTextAsync("Queued");
            await Assertions.Expect(explain.GetByTestId("queue-position")).ToHaveTextAsync(
                new Regex(@"^Queued: 2nd in the gpu queue, behind 'Batch · bwcat_cat\.png' by you \(running\), 1 image left$"));
            await BrowserApp.ScreenshotAsync(explain, "explain-queued-behind-batch");

            await explain.GetByTestId("cancel-button").ClickAsync();
            await Assertions.Expect(explain.GetByTestId("run-status")).ToHaveTextAsync("Cancelled");

            await batch.GetByTestId("cancel-button").ClickAsync();
            await Assertions.Expect(batch).ToHaveAttributeAsync("data-status", "Cancelled");
            await Assertions.Expect(batch.GetByTestId("cancel-button")).ToHaveCountAsync(0);
            await BrowserApp.ScreenshotAsync(batches, "batch-cancelled");
        }
        finally
        {
            gate.Set();
            app.Engine.Starting = null;
        }
    }
}
