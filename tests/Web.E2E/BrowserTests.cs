using System.Text.RegularExpressions;
using ClipSurgeryWeb.Web.E2E.Support;
using Microsoft.Playwright;

namespace ClipSurgeryWeb.Web.E2E;

/// <summary>A member in a real browser: log in, upload, explain, watch opinions and the leaderboard fill live.</summary>
public sealed class BrowserTests(BrowserApp app) : IClassFixture<BrowserApp>
{
    [Fact]
    public async Task A_member_uploads_an_image_runs_explain_and_sees_surgery_and_clip_heatmaps_load()
    {
        await using var context = await app.Browser.NewContextAsync(new() { ViewportSize = new() { Width = 1400, Height = 1000 } });
        var page = await app.LoggedInPageAsync(context);

        await BrowserApp.SetInputFilesAsync(page, "upload-input", SampleImages.Path("bwcat_cat.png"));
        await page.GetByTestId("upload-thumb").First.WaitForAsync();
        await page.GetByTestId("labels-input").FillAsync("cat, dog");
        await page.GetByTestId("labels-input").PressAsync("Enter");
        await page.GetByTestId("label-chips").GetByText("dog").WaitForAsync();
        await page.GetByTestId("run-button").ClickAsync();

        var heatmaps = page.Locator("img[data-testid=heatmap-img]");
        await Assertions.Expect(heatmaps).ToHaveCountAsync(4);
        await Assertions.Expect(page.Locator("img[data-testid=heatmap-img][data-mode=cs]")).ToHaveCountAsync(2);
        await Assertions.Expect(page.Locator("img[data-testid=heatmap-img][data-mode=plain]")).ToHaveCountAsync(2);
        await page.WaitForFunctionAsync(
            "() => [...document.querySelectorAll('img[data-testid=heatmap-img]')].every(i => i.complete && i.naturalWidth > 0)");
        Assert.All(await heatmaps.EvaluateAllAsync<string[]>("els => els.map(e => e.getAttribute('src'))"),
            src => Assert.Matches("^/api/files/[0-9a-f-]{36}$", src));
        await BrowserApp.ScreenshotAsync(page, "explain-heatmaps");

        await page.GetByRole(AriaRole.Button, new() { Name = "Log out" }).ClickAsync();
        await page.GetByTestId("login-submit").WaitForAsync();
        await page.GotoAsync(app.BaseUrl + "/history");
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/account/login"));
    }

    [Fact]
    public async Task Opinions_show_live_progress_and_the_leaderboard_fills_without_a_reload()
    {
        await using var context = await app.Browser.NewContextAsync(new() { ViewportSize = new() { Width = 1400, Height = 1000 } });
        var records = await app.LoggedInPageAsync(context);
        await records.GetByRole(AriaRole.Link, new() { Name = "Records" }).ClickAsync();
        await records.GetByTestId("records-table").WaitForAsync();
        var batches = await context.NewPageAsync();
        batches.SetDefaultTimeout(BrowserApp.SafetyTimeoutMs);
        await batches.GotoAsync(app.BaseUrl + "/batches");
        await BrowserApp.WaitInteractiveAsync(batches);

        await BrowserApp.SetInputFilesAsync(batches, "upload-input", SampleImages.Path("bwcat_dog.png"));
        await batches.Locator("[data-testid=upload-thumb][data-selected=true]").WaitForAsync();
        var iterations = batches.Locator("input[data-testid=iterations-input], [data-testid=iterations-input] input").First;
        await iterations.FillAsync("120");
        await iterations.PressAsync("Tab");
        await batches.GetByTestId("start-opinions").ClickAsync();

        // Live: the best words and a moving bar show while the job runs.
        await batches.GetByTestId("best-words").First.WaitForAsync();
        await BrowserApp.ScreenshotAsync(batches, "opinions-progress");
        await Assertions.Expect(batches.GetByTestId("run-status").First).ToHaveTextAsync("Succeeded");
        await Assertions.Expect(batches.GetByTestId("job-progress").First).ToHaveAttributeAsync("data-value", "100");

        // The records page was open all along and is updated over SignalR.
        await Assertions.Expect(records.GetByTestId("record-word").First).ToHaveTextAsync("incomprehensibilities");
        await Assertions.Expect(records.GetByTestId("records-table")).ToContainTextAsync(new Regex("photographically"));
        await BrowserApp.ScreenshotAsync(records, "records-live");
    }

    [Fact]
    public async Task Models_lists_the_installed_checkpoint_and_refuses_a_file_that_is_not_one_by_name()
    {
        await using var context = await app.Browser.NewContextAsync(new() { ViewportSize = new() { Width = 1400, Height = 1000 } });
        var page = await app.LoggedInPageAsync(context);
        await page.GetByRole(AriaRole.Link, new() { Name = "Models" }).ClickAsync();

        await Assertions.Expect(page.GetByTestId("model-name")).ToHaveTextAsync(["clip_fake_jit"]);
        var folder = Directory.CreateTempSubdirectory("csw-e2e-");
        var notCheckpoint = Path.Combine(folder.FullName, "finetune.pt");
        await File.WriteAllTextAsync(notCheckpoint, "not a checkpoint");
        await BrowserApp.SetInputFilesAsync(page, "checkpoint-input", notCheckpoint);

        await Assertions.Expect(page.GetByTestId("models-message")).ToHaveTextAsync("finetune.pt: not a PyTorch checkpoint (no zip archive inside)");
        await Assertions.Expect(page.GetByTestId("model-name")).ToHaveCountAsync(1);
        await BrowserApp.ScreenshotAsync(page, "models");

        await page.GetByRole(AriaRole.Link, new() { Name = "History" }).ClickAsync();
        await page.GetByTestId("history-table").WaitForAsync();
        await BrowserApp.ScreenshotAsync(page, "history");
        folder.Delete(recursive: true);
    }
}
