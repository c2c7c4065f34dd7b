using Bunit;
using ClipSurgeryWeb.Data;
using ClipSurgeryWeb.Engine.Methods;
using ClipSurgeryWeb.Web.Components.Pages.Batches;
using ClipSurgeryWeb.Web.Components.Pages.History;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace ClipSurgeryWeb.Web.Tests.Components;

/// <summary>The pages that show results use the result grid: the run page always, Batches on request per finished run.</summary>
public sealed class ResultPagesTests : ComponentTestContext
{
    public ResultPagesTests()
    {
        Services.AddSingleton<ClipSurgeryWeb.Web.Services.UploadQueries>();
        EnsureDatabase();
    }

    private async Task<Guid> StoreRunAsync(JobRunKind kind, JobRunStatus status)
    {
        await using var db = await Services.GetRequiredService<IDbContextFactory<ClipSurgeryDb>>().CreateDbContextAsync();
        var upload = new UploadedImage
        {
            Id = Guid.NewGuid(), OwnerId = "member-1", OwnerName = "member@example.com", FileName = "cat.png", Extension = ".png",
            ContentType = "image/png", Width = 64, Height = 48, CreatedAt = DateTime.UtcNow,
        };
        var run = new JobRun
        {
            Id = Guid.NewGuid(), Kind = kind, Status = status, OwnerId = "member-1", OwnerName = "member@example.com",
            CreatedAt = DateTime.UtcNow, Settings = new RunSettings { ModelName = "clip_only_jit", Labels = ["cat", "dog"] },
        };
        var image = new JobImage
        {
            Id = Guid.NewGuid(), RunId = run.Id, ImageId = upload.Id, Order = 0,
            Status = status == JobRunStatus.Running ? JobImageStatus.Running : JobImageStatus.Done,
        };
        foreach (var label in new[] { "dog", "cat" })
        {
            image.Files.Add(new ResultFile
            {
                Id = Guid.NewGuid(), RunId = run.Id, JobImageId = image.Id, FileName = $"cs_{label}.png", Kind = "heatmap", Mode = MapMethod.Surgery,
                Label = label, CreatedAt = DateTime.UtcNow, ValueMin = 0.1f, ValueMax = 0.3f,
            });
        }
        run.Images.Add(image);
        db.Images.Add(upload);
        db.Runs.Add(run);
        await db.SaveChangesAsync();
        return run.Id;
    }

    [Fact]
    public async Task The_run_page_shows_its_results_as_the_grid_in_the_runs_label_order()
    {
        var id = await StoreRunAsync(JobRunKind.Explain, JobRunStatus.Succeeded);

        var page = Render<RunDetails>(p => p.Add(d => d.Id, id));

        page.WaitForAssertion(() => Assert.NotNull(page.Find("[data-testid=result-grid]")));
        Assert.Equal(["cat", "dog"], page.FindAll("[data-testid=result-label]").Select(l => l.TextContent));
        Assert.Single(page.FindAll("[data-testid=opacity-slider]"));
    }

    [Fact]
    public async Task Batches_opens_a_finished_runs_results_on_request_and_offers_none_for_a_running_one()
    {
        await StoreRunAsync(JobRunKind.Batch, JobRunStatus.Succeeded);
        await StoreRunAsync(JobRunKind.Batch, JobRunStatus.Running);

        var page = Render<Batches>();
        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("[data-testid=run]").Count));

        var toggle = Assert.Single(page.FindAll("[data-testid=results-toggle]"));
        Assert.Empty(page.FindAll("[data-testid=result-grid]"));
        toggle.Click();
        var grid = page.Find("[data-testid=result-grid]");
        Assert.Equal(2, grid.QuerySelectorAll("img[data-testid=heatmap-img][data-mode=cs]").Length);
        Assert.Contains(grid.QuerySelectorAll("[data-testid=gallery-image]"), g => g.GetAttribute("data-image-id") is not null);
        Assert.Equal("Hide results", page.Find("[data-testid=results-toggle]").TextContent.Trim());

        page.Find("[data-testid=results-toggle]").Click();
        Assert.Empty(page.FindAll("[data-testid=result-grid]"));
    }
}
