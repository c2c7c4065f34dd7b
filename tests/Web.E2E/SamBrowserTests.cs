using ClipSurgeryWeb.Data;
using ClipSurgeryWeb.Web.E2E.Support;
using ClipSurgeryWeb.Web.Services;
using ClipSurgeryWeb.Web.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace ClipSurgeryWeb.Web.E2E;

/// <summary>
/// Interactive SAM in a real browser on the real engine (tiny CLIP and tiny SAM fixtures): explain an image, click on it
/// on the SAM page, see SAM's mask, save it, and find it on the run's page.
/// </summary>
public sealed class SamBrowserTests(RealEngineBrowserApp app) : IClassFixture<RealEngineBrowserApp>
{
    [Fact]
    public async Task Clicking_on_a_finished_image_shows_SAMs_mask_and_saving_puts_it_on_the_run_page()
    {
        await using var context = await app.Browser.NewContextAsync(new() { ViewportSize = new() { Width = 1400, Height = 1000 } });
        var page = await app.LoggedInPageAsync(context);
        await BrowserApp.SetInputFilesAsync(page, "upload-input", SampleImages.Path("demo.jpg"));
        await page.GetByTestId("upload-thumb").First.WaitForAsync();
        await page.GetByTestId("labels-input").FillAsync("person, bench");
        await page.GetByTestId("labels-input").PressAsync("Enter");
        await page.GetByTestId("label-chips").GetByText("bench").WaitForAsync();
        await page.GetByTestId("run-button").ClickAsync();
        var (runId, jobImageId) = await FinishedImageAsync();

        await page.GotoAsync(app.BaseUrl + Urls.Sam(runId, jobImageId));
        await BrowserApp.WaitInteractiveAsync(page);
        var canvas = page.GetByTestId("sam-canvas");
        await Assertions.Expect(page.GetByTestId("sam-model")).ToContainTextAsync(RealEngine.SamModel);
        var image = page.GetByTestId("sam-image");
        await page.WaitForFunctionAsync("() => { const i = document.querySelector('img[data-testid=sam-image]'); return i && i.complete && i.naturalWidth > 0; }");
        await image.ClickAsync(new() { Position = new() { X = 320, Y = 260 } });
        await image.ClickAsync(new() { Button = MouseButton.Right, Position = new() { X = 30, Y = 30 } });

        await Assertions.Expect(canvas.GetByTestId("sam-point")).ToHaveCountAsync(2);
        await Assertions.Expect(canvas.GetByTestId("sam-mask")).ToHaveAttributeAsync("data-points", "2");
        Assert.Equal(["1", "0"], await canvas.GetByTestId("sam-point").EvaluateAllAsync<string[]>("ps => ps.map(p => p.dataset.label)"));
        await page.WaitForFunctionAsync("() => { const m = document.querySelector('img[data-testid=sam-mask]'); return m && m.complete && m.naturalWidth > 0; }");
        await Assertions.Expect(page.GetByTestId("sam-status")).ToContainTextAsync("kept embedding");
        await BrowserApp.ScreenshotAsync(page, "sam-prompt");

        await page.GetByTestId("sam-name").FillAsync("bench by hand");
        await page.GetByTestId("sam-save").ClickAsync();
        await Assertions.Expect(page.GetByTestId("sam-saved")).ToContainTextAsync("bench by hand");
        await page.GetByTestId("sam-saved").GetByRole(AriaRole.Link).ClickAsync();

        await page.WaitForURLAsync(app.BaseUrl + Urls.Run(runId));
        // The saved mask is a row of the run's result grid under the name it was given, in the SAM mask column.
        var row = page.Locator("[data-testid=result-row][data-label='bench by hand']");
        await Assertions.Expect(row.Locator("img[data-testid=mask-img]")).ToHaveCountAsync(1);
        await page.WaitForFunctionAsync(
            "() => [...document.querySelectorAll(\"[data-testid=result-row][data-label='bench by hand'] img[data-testid=mask-img]\")].every(i => i.complete && i.naturalWidth === 500)");
        await Assertions.Expect(row.GetByTestId("result-label")).ToHaveTextAsync("bench by hand");
        await BrowserApp.ScreenshotAsync(page, "sam-saved-on-run");
    }

    /// <summary>The newest run's image once it is done (the explain page runs it on the real engine).</summary>
    private async Task<(Guid RunId, Guid JobImageId)> FinishedImageAsync()
    {
        var deadline = DateTime.UtcNow.AddMilliseconds(BrowserApp.SafetyTimeoutMs);
        while (true)
        {
            await using (var scope = app.Factory.Services.CreateAsyncScope())
            {
                var db = scope.ServiceProvider.GetRequiredService<ClipSurgeryDb>();
                var run = await db.Runs.Include(r => r.Images).OrderByDescending(r => r.CreatedAt).FirstOrDefaultAsync();
                if (run is { IsFinished: true })
                {
                    Assert.Equal(JobRunStatus.Succeeded, run.Status);
                    return (run.Id, run.Images.Single().Id);
                }
            }
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException("the explain run did not finish");
            await Task.Delay(200);
        }
    }
}
