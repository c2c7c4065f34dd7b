using Bunit;
using ClipSurgeryWeb.Data;
using ClipSurgeryWeb.Hosting.Storage;
using ClipSurgeryWeb.Jobs.Running;
using ClipSurgeryWeb.Web.Auth;
using ClipSurgeryWeb.Web.Services;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using HistoryPage = ClipSurgeryWeb.Web.Components.Pages.History.History;

namespace ClipSurgeryWeb.Web.Tests.Components;

/// <summary>
/// History on stored runs: a member's own runs, an admin's everyone's with who ran them; filters by label (quotes
/// included), model, status and date; deleting only after a confirmation, and never what the server would refuse.
/// </summary>
public sealed class HistoryPageTests : ComponentTestContext
{
    private const string Me = "member-1";
    private static readonly DateTime Now = DateTime.UtcNow;

    public HistoryPageTests()
    {
        Services.AddSingleton<UploadQueries>();
        Services.AddScoped<Deletions>();
        EnsureDatabase();
    }

    private async Task<Guid> AddRunAsync(string ownerId, string model, IReadOnlyList<string> labels, JobRunStatus status = JobRunStatus.Succeeded,
        DateTime? createdAt = null, Guid? imageId = null, bool shared = true)
    {
        await using var db = await Services.GetRequiredService<IDbContextFactory<ClipSurgeryDb>>().CreateDbContextAsync();
        var image = imageId ?? Guid.NewGuid();
        if (imageId is null)
        {
            db.Images.Add(new UploadedImage
            {
                Id = image, OwnerId = ownerId, OwnerName = Name(ownerId), FileName = $"{image:N}.png", Extension = ".png",
                ContentType = "image/png", SizeBytes = 10, Width = 4, Height = 4, CreatedAt = Now,
            });
        }
        var run = new JobRun
        {
            Id = Guid.NewGuid(), Kind = JobRunKind.Explain, Status = status, OwnerId = ownerId, OwnerName = Name(ownerId), Shared = shared,
            Settings = new RunSettings { ModelName = model, Labels = labels, Targets = labels },
            CreatedAt = createdAt ?? Now, FinishedAt = status is JobRunStatus.Queued or JobRunStatus.Running ? null : Now,
        };
        run.Images = [new JobImage { Id = Guid.NewGuid(), RunId = run.Id, ImageId = image, Status = JobImageStatus.Done }];
        db.Runs.Add(run);
        await db.SaveChangesAsync();
        return run.Id;
    }

    private static string Name(string ownerId) => ownerId == Me ? "member@example.com" : $"{ownerId}@example.com";

    private IRenderedComponent<HistoryPage> RenderPage()
    {
        Render<MudPopoverProvider>();
        var page = Render<HistoryPage>();
        page.WaitForAssertion(() => Assert.NotNull(page.Find("[data-testid=history-count]")));
        return page;
    }

    private static IReadOnlyList<string> Models(IRenderedComponent<HistoryPage> page) =>
        page.FindAll("[data-testid=history-run-model]").Select(c => c.TextContent.Trim()).ToList();

    [Fact]
    public async Task A_member_sees_only_their_own_runs_and_no_who_column()
    {
        await AddRunAsync(Me, "mine_model", ["cat"]);
        await AddRunAsync("someone-else", "their_model", ["dog"]);

        var page = RenderPage();

        Assert.Equal(["mine_model"], Models(page));
        Assert.Empty(page.FindAll("[data-testid=history-who-header]"));
        Assert.Empty(page.FindAll("[data-testid=history-mine]"));
        Assert.Equal("1 run", page.Find("[data-testid=history-count]").TextContent.Trim());
    }

    [Fact]
    public async Task An_admin_sees_everyones_runs_with_who_ran_them_and_only_mine_narrows_to_their_own()
    {
        Auth.SetRoles(Roles.Admin);
        Auth.SetClaims(new System.Security.Claims.Claim(System.Security.Claims.ClaimTypes.NameIdentifier, Me)); // SetRoles drops the claims
        await AddRunAsync(Me, "mine_model", ["cat"], createdAt: Now.AddMinutes(-1));
        await AddRunAsync("someone-else", "their_model", ["dog"]);
        await AddRunAsync("private-one", "hidden_model", ["owl"], shared: false, createdAt: Now.AddMinutes(-2));

        var page = RenderPage();

        Assert.Equal(["their_model", "mine_model", "hidden_model"], Models(page));
        Assert.NotNull(page.Find("[data-testid=history-who-header]"));
        Assert.Equal(["someone-else@example.com", "member@example.com", "private-one@example.com"],
            page.FindAll("[data-testid=history-who]").Select(c => c.TextContent.Trim()));
        // An admin may delete anyone's finished run.
        Assert.Equal(3, page.FindAll("[data-testid=delete-run]").Count);

        var mine = page.FindComponent<MudSwitch<bool>>();
        await page.InvokeAsync(() => mine.Instance.ValueChanged.InvokeAsync(true));

        page.WaitForAssertion(() => Assert.Equal(["mine_model"], Models(page)));
        Assert.Equal("1 run", page.Find("[data-testid=history-count]").TextContent.Trim());
    }

    [Fact]
    public async Task Filters_by_label_with_quotes_by_model_by_status_and_by_date_and_say_how_many_of_all_match()
    {
        await AddRunAsync(Me, "clip_vit_b16", ["the \"big\" cat", "sofa"], createdAt: Now.AddDays(-10));
        // The label's words stand in this run's JSON too, but as the model's name and in another label, never in one label.
        await AddRunAsync(Me, "big_cat_model", ["the", "dog+cat"], createdAt: Now.AddDays(-5));
        await AddRunAsync(Me, "clip_rn50", ["owl"], JobRunStatus.Failed, createdAt: Now.AddDays(-1));
        var page = RenderPage();
        Assert.Equal("3 runs", page.Find("[data-testid=history-count]").TextContent.Trim());

        page.Find("input[data-testid=history-label]").Input("\"BIG\" cat");
        page.WaitForAssertion(() => Assert.Equal(["clip_vit_b16"], Models(page)));
        Assert.Equal("1 of 3 runs", page.Find("[data-testid=history-count]").TextContent.Trim());
        Assert.Contains("the \"big\" cat", page.Find("[data-testid=history-run-labels]").TextContent);

        // "big_cat" stands in the JSON (as the model's name) but in no label: the exact check behind SQL's drops the run.
        page.Find("input[data-testid=history-label]").Input("big_cat");
        page.WaitForAssertion(() => Assert.Equal("No run matches these filters.", page.Find("[data-testid=history-empty]").TextContent.Trim()));

        page.Find("input[data-testid=history-label]").Input("dog+cat");
        page.WaitForAssertion(() => Assert.Equal(["big_cat_model"], Models(page)));

        page.Find("input[data-testid=history-label]").Input("");
        page.Find("input[data-testid=history-model]").Input("CLIP_");
        page.WaitForAssertion(() => Assert.Equal(["clip_rn50", "clip_vit_b16"], Models(page)));

        var status = page.FindComponent<MudSelect<JobRunStatus?>>();
        await page.InvokeAsync(() => status.Instance.ValueChanged.InvokeAsync(JobRunStatus.Failed));
        page.WaitForAssertion(() => Assert.Equal(["clip_rn50"], Models(page)));
        await page.InvokeAsync(() => status.Instance.ValueChanged.InvokeAsync(null));

        var from = DateOnly.FromDateTime(Now.AddDays(-7).ToLocalTime()).ToString("yyyy-MM-dd");
        var until = DateOnly.FromDateTime(Now.AddDays(-3).ToLocalTime()).ToString("yyyy-MM-dd");
        page.Find("input[data-testid=history-model]").Input("");
        page.Find("input[data-testid=history-from]").Change(from);
        page.Find("input[data-testid=history-until]").Change(until);
        page.WaitForAssertion(() => Assert.Equal(["big_cat_model"], Models(page)));

        page.Find("input[data-testid=history-label]").Input("no such label");
        page.WaitForAssertion(() => Assert.Equal("No run matches these filters.", page.Find("[data-testid=history-empty]").TextContent.Trim()));
        Assert.Equal("0 of 3 runs", page.Find("[data-testid=history-count]").TextContent.Trim());
    }

    [Fact]
    public async Task Runs_are_paged_newest_first()
    {
        for (var i = 0; i < HistoryPage.PageSize + 3; i++)
            await AddRunAsync(Me, $"model_{i:00}", ["cat"], createdAt: Now.AddMinutes(-i));

        var page = RenderPage();

        Assert.Equal(HistoryPage.PageSize, Models(page).Count);
        Assert.Equal("model_00", Models(page)[0]);
        var pager = page.FindComponent<MudPagination>();
        await page.InvokeAsync(() => pager.Instance.SelectedChanged.InvokeAsync(2));
        page.WaitForAssertion(() => Assert.Equal(["model_20", "model_21", "model_22"], Models(page)));
    }

    [Fact]
    public async Task Deleting_a_run_asks_first_keep_keeps_it_and_delete_removes_its_rows_and_result_folder()
    {
        var run = await AddRunAsync(Me, "doomed_model", ["cat"]);
        var results = Directory.CreateDirectory(Path.Combine(Services.GetRequiredService<FileStore>().ResultsDir, run.ToString("N"), "x")).FullName;
        await File.WriteAllTextAsync(Path.Combine(results, "cs_cat.png"), "png");
        var dialogs = Render<MudDialogProvider>();
        var page = RenderPage();

        page.Find("[data-testid=delete-run]").Click();
        dialogs.WaitForAssertion(() => Assert.Contains("Delete the explain run of", dialogs.Markup));
        Assert.Contains("This cannot be undone", dialogs.Markup);
        dialogs.FindAll("button").Single(b => b.TextContent.Trim() == "Keep").Click();
        dialogs.WaitForAssertion(() => Assert.DoesNotContain("Delete the explain run of", dialogs.Markup));
        Assert.Equal(["doomed_model"], Models(page));

        page.Find("[data-testid=delete-run]").Click();
        dialogs.WaitForAssertion(() => Assert.Contains("Delete the explain run of", dialogs.Markup));
        dialogs.FindAll("button").Single(b => b.TextContent.Trim() == "Delete").Click();

        page.WaitForAssertion(() => Assert.Empty(Models(page)));
        Assert.Equal("No runs yet.", page.Find("[data-testid=history-empty]").TextContent.Trim());
        await using var db = await Services.GetRequiredService<IDbContextFactory<ClipSurgeryDb>>().CreateDbContextAsync();
        Assert.False(await db.Runs.AnyAsync(r => r.Id == run));
        Assert.False(Directory.Exists(Path.Combine(Services.GetRequiredService<FileStore>().ResultsDir, run.ToString("N"))));
    }

    [Fact]
    public async Task An_unfinished_run_and_a_used_upload_offer_no_delete_and_say_why_an_unused_upload_is_deleted_after_confirming()
    {
        var busy = await AddRunAsync(Me, "busy_model", ["cat"], JobRunStatus.Running);
        await using (var db = await Services.GetRequiredService<IDbContextFactory<ClipSurgeryDb>>().CreateDbContextAsync())
        {
            var used = (await db.RunImages.SingleAsync(i => i.RunId == busy)).ImageId;
            await AddRunAsync(Me, "second_model", ["dog"], imageId: used);
            db.Images.Add(new UploadedImage
            {
                Id = Guid.NewGuid(), OwnerId = Me, OwnerName = "member@example.com", FileName = "unused \"one\".png", Extension = ".png",
                ContentType = "image/png", SizeBytes = 10, Width = 4, Height = 4, CreatedAt = Now.AddMinutes(1),
            });
            await db.SaveChangesAsync();
        }
        var dialogs = Render<MudDialogProvider>();
        var page = RenderPage();

        // The running run: a disabled button that says what to do; the finished one can be deleted.
        Assert.Single(page.FindAll("[data-testid=delete-run]"));
        Assert.Equal("Still running: cancel it first to delete it", page.Find("[data-testid=delete-run-blocked]").GetAttribute("title"));
        // The upload both runs use names the reason; the unused one is offered.
        Assert.Equal(["unused \"one\".png", $"{(await UsedImageAsync(busy)):N}.png"],
            page.FindAll("[data-testid=upload-name]").Select(c => c.TextContent.Trim()));
        Assert.Equal(["0 runs", "2 runs"], page.FindAll("[data-testid=upload-runs]").Select(c => c.TextContent.Trim()));
        Assert.Equal("used by 2 runs; delete them first", page.Find("[data-testid=delete-upload-blocked]").GetAttribute("title"));

        page.Find("[data-testid=delete-upload]").Click();
        dialogs.WaitForAssertion(() => Assert.Contains("Delete 'unused \"one\".png' and its thumbnail?", dialogs.Find(".mud-dialog").TextContent));
        dialogs.FindAll("button").Single(b => b.TextContent.Trim() == "Delete").Click();

        page.WaitForAssertion(() => Assert.Single(page.FindAll("[data-testid=upload-name]")));
        Assert.Equal("1 upload", page.Find("[data-testid=uploads-count]").TextContent.Trim());
    }

    private async Task<Guid> UsedImageAsync(Guid run)
    {
        await using var db = await Services.GetRequiredService<IDbContextFactory<ClipSurgeryDb>>().CreateDbContextAsync();
        return (await db.RunImages.SingleAsync(i => i.RunId == run)).ImageId;
    }

    [Fact]
    public async Task A_runs_results_open_in_place_under_its_row_as_the_result_grid()
    {
        var withResults = await AddRunAsync(Me, "mine_model", ["cat"]);
        await AddRunAsync(Me, "empty_model", ["dog"]);
        await using (var db = await Services.GetRequiredService<IDbContextFactory<ClipSurgeryDb>>().CreateDbContextAsync())
        {
            var item = await db.RunImages.SingleAsync(i => i.RunId == withResults);
            db.Files.Add(new ResultFile
            {
                Id = Guid.NewGuid(), RunId = withResults, JobImageId = item.Id, FileName = "cs_cat.png", Kind = "heatmap",
                Mode = ClipSurgeryWeb.Engine.Methods.MapMethod.Surgery, Label = "cat", CreatedAt = Now,
            });
            await db.SaveChangesAsync();
        }
        var page = RenderPage();
        Assert.Empty(page.FindAll("[data-testid=history-results]"));

        // Only the run that has results offers to show them.
        var toggle = Assert.Single(page.FindAll("[data-testid=history-results-toggle]"));
        toggle.Click();

        page.WaitForAssertion(() =>
        {
            var results = Assert.Single(page.FindAll("[data-testid=history-results]"));
            var tile = Assert.Single(results.QuerySelectorAll("[data-testid=result-tile]"));
            Assert.Equal("cat", tile.GetAttribute("data-label"));
        });
        page.Find("[data-testid=history-results-toggle]").Click();
        page.WaitForAssertion(() => Assert.Empty(page.FindAll("[data-testid=history-results]")));
    }
}
