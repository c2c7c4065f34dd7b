using Bunit;
using ClipSurgeryWeb.Data;
using ClipSurgeryWeb.Engine.Evaluation;
using ClipSurgeryWeb.Engine.Methods;
using ClipSurgeryWeb.Jobs.Evaluation;
using ClipSurgeryWeb.Jobs.Running;
using ClipSurgeryWeb.Web.Components.Shared;
using ClipSurgeryWeb.Web.Services;
using ClipSurgeryWeb.Web.Services.Runs;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using HistoryPage = ClipSurgeryWeb.Web.Components.Pages.History.History;
using RunDetailsPage = ClipSurgeryWeb.Web.Components.Pages.History.RunDetails;

namespace ClipSurgeryWeb.Web.Tests.Components;

/// <summary>
/// An eval as a run wherever runs are shown: it has no uploaded images, so its progress is the dataset images it scored
/// (not "0 of 0 images"), its outcome the dataset and best mIoU with its scores on the Evaluate page, and it waits in the
/// gpu queue with the other runs.
/// </summary>
public sealed class EvalRunComponentTests : ComponentTestContext
{
    private const string Me = "member-1";
    private readonly Requester _me = new(Me, "member@example.com", false);

    public EvalRunComponentTests()
    {
        Services.AddSingleton<UploadQueries>();
        Services.AddScoped<Deletions>();
        EnsureDatabase();
    }

    /// <summary>NACLIP 43.21 mIoU, Surgery 30.00, and a method with no pixels at all (NaN, never the best).</summary>
    private static EvalReport Report() => new(
        "clip_vit_b16", null, EvalDatasetKind.Voc21, "/data/datasets/VOCdevkit", 500, 1449, 336, false, 500, ["background", "cat"],
        [
            new EvalMethodScores(MapMethod.Surgery, new SegmentationScores(0.8, 0.30, 0.5, [0.3, 0.3], [0.5, 0.5])),
            new EvalMethodScores(DenseMethod.Naclip.Method, new SegmentationScores(0.9, 0.4321, 0.6, [0.4321, 0.4321], [0.6, 0.6])),
            new EvalMethodScores(DenseMethod.Sclip.Method, new SegmentationScores(double.NaN, double.NaN, double.NaN, [double.NaN, double.NaN], [double.NaN, double.NaN])),
        ],
        DateTimeOffset.UtcNow.AddMinutes(-9), DateTimeOffset.UtcNow);

    private static RunSettings EvalSettings() => new()
    {
        ModelName = "clip_vit_b16", Dataset = EvalDatasetKind.Voc21, DatasetFolder = "/data/datasets/VOCdevkit",
        LabelMethods = [MapMethod.Surgery, DenseMethod.Naclip.Method, DenseMethod.Sclip.Method], Limit = 500,
    };

    private Task<JobRun> AddEvalAsync(JobRunStatus status, int? done, int? total, EvalReport? report = null, DateTime? createdAt = null,
        string ownerId = Me) =>
        RunSeeds.RunAsync(Services, JobRunKind.Evaluation, status, createdAt ?? DateTime.UtcNow.AddMinutes(-10), [], EvalSettings(), ownerId,
            change: r =>
            {
                r.ItemsDone = done;
                r.ItemsTotal = total;
                r.ReportJson = report is null ? null : EvalReportJson.Write(report);
            });

    private async Task<RunView> ViewAsync(Guid id) => (await Services.GetRequiredService<RunQueries>().GetAsync(_me, id))!;

    [Fact]
    public async Task A_running_evals_progress_is_the_dataset_images_it_scored_and_its_link_goes_to_its_scores()
    {
        var run = await AddEvalAsync(JobRunStatus.Running, 120, 500);

        var progress = Render<RunProgress>(p => p.Add(r => r.Run, ViewAsync(run.Id).GetAwaiter().GetResult()));

        Assert.Contains("Evaluation", progress.Find("[data-testid=run-title]").TextContent);
        Assert.Equal("120 of 500 images scored", progress.Find("[data-testid=run-summary]").TextContent.Trim());
        Assert.Equal("24", progress.Find("[data-testid=job-progress]").GetAttribute("data-value"));
        Assert.Equal("false", progress.Find("[data-testid=job-progress]").GetAttribute("data-indeterminate"));
        Assert.Equal($"/evaluate?run={run.Id}", progress.Find("[data-testid=eval-scores-link]").GetAttribute("href"));
        Assert.DoesNotContain(progress.FindAll("a"), a => a.TextContent.Trim() == "Results");
        Assert.Empty(progress.FindAll("[data-testid=eval-outcome]"));
        Assert.Contains("VOC21", progress.Find("[data-detail=dataset]").TextContent);
        Assert.Contains("Surgery, SCLIP, NACLIP", progress.Find("[data-detail=methods]").TextContent);
    }

    [Fact]
    public async Task A_succeeded_eval_shows_a_full_bar_its_dataset_and_its_best_miou()
    {
        var run = await AddEvalAsync(JobRunStatus.Succeeded, 500, 500, Report());

        var progress = Render<RunProgress>(p => p.Add(r => r.Run, ViewAsync(run.Id).GetAwaiter().GetResult()));

        Assert.Equal("500 of 500 images scored", progress.Find("[data-testid=run-summary]").TextContent.Trim());
        Assert.Equal("100", progress.Find("[data-testid=job-progress]").GetAttribute("data-value"));
        Assert.Equal("VOC21 · best mIoU 43.21 (NACLIP)", progress.Find("[data-testid=eval-outcome]").TextContent.Trim());
    }

    [Fact]
    public async Task A_failed_eval_keeps_the_share_it_scored_and_an_eval_opening_its_dataset_moves_without_a_share()
    {
        var failed = await AddEvalAsync(JobRunStatus.Failed, 50, 200);
        var opening = await AddEvalAsync(JobRunStatus.Running, null, null);

        var failedBar = Render<RunProgress>(p => p.Add(r => r.Run, ViewAsync(failed.Id).GetAwaiter().GetResult()));
        var openingBar = Render<RunProgress>(p => p.Add(r => r.Run, ViewAsync(opening.Id).GetAwaiter().GetResult()));

        Assert.Equal("25", failedBar.Find("[data-testid=job-progress]").GetAttribute("data-value"));
        Assert.Equal("50 of 200 images scored", failedBar.Find("[data-testid=run-summary]").TextContent.Trim());
        Assert.Equal("true", openingBar.Find("[data-testid=job-progress]").GetAttribute("data-indeterminate"));
        Assert.StartsWith("opening the dataset", openingBar.Find("[data-testid=run-summary]").TextContent.Trim());
    }

    [Fact]
    public async Task An_evals_run_page_links_its_scores_instead_of_an_empty_result_grid()
    {
        var run = await AddEvalAsync(JobRunStatus.Succeeded, 500, 500, Report());

        var page = Render<RunDetailsPage>(p => p.Add(d => d.Id, run.Id));

        page.WaitForAssertion(() => Assert.Equal("500 of 500 images scored", page.Find("[data-testid=run-summary]").TextContent.Trim()));
        Assert.Equal($"/evaluate?run={run.Id}", page.Find("[data-testid=eval-results] a").GetAttribute("href"));
        Assert.DoesNotContain(page.FindAll("a"), a => a.TextContent.Contains("Download all"));
    }

    [Fact]
    public async Task History_shows_an_eval_with_its_images_scored_dataset_best_miou_and_a_link_to_its_scores()
    {
        var done = await AddEvalAsync(JobRunStatus.Succeeded, 500, 500, Report(), DateTime.UtcNow.AddMinutes(-20));
        var running = await AddEvalAsync(JobRunStatus.Running, 7, 40, createdAt: DateTime.UtcNow.AddMinutes(-5));
        Render<MudPopoverProvider>();

        var page = Render<HistoryPage>();

        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("[data-testid=history-eval-progress]").Count));
        Assert.Equal(["7 of 40 images scored", "500 of 500 images scored"],
            page.FindAll("[data-testid=history-eval-progress]").Select(e => e.TextContent.Trim()));
        Assert.Equal("VOC21 · best mIoU 43.21 (NACLIP)", Assert.Single(page.FindAll("[data-testid=history-eval-outcome]")).TextContent.Trim());
        Assert.Equal([$"/evaluate?run={running.Id}", $"/evaluate?run={done.Id}"],
            page.FindAll("[data-testid=history-run-link]").Select(a => a.GetAttribute("href")));
        Assert.All(page.FindAll("[data-testid=history-run-link]"), a => Assert.Equal("Scores", a.TextContent.Trim()));
        Assert.All(page.FindAll("[data-testid=history-run-labels]"), l => Assert.Equal("Surgery, SCLIP, NACLIP", l.TextContent.Trim()));
        Assert.DoesNotContain("0 of 0", page.Markup);
    }

    [Fact]
    public async Task An_eval_with_nan_scores_serializes_as_the_runs_api_writes_it()
    {
        var run = await AddEvalAsync(JobRunStatus.Succeeded, 500, 500, Report());
        var view = await ViewAsync(run.Id);
        Assert.NotNull(view.Report);

        var json = System.Text.Json.JsonSerializer.Serialize(view, System.Text.Json.JsonSerializerOptions.Web);

        Assert.Contains("\"itemsDone\":500", json);
        Assert.DoesNotContain("report", json, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void An_evals_overall_progress_is_its_images_scored_of_its_total()
    {
        var view = new RunView(Guid.NewGuid(), "Evaluation", "Running", Me, "m", true, DateTime.UtcNow, DateTime.UtcNow, null, null,
            EvalSettings(), null, null, [], ItemsDone: 30, ItemsTotal: 120);

        Assert.Equal(0.25, view.Overall, precision: 9);
        Assert.Equal(0, (view with { ItemsDone = null, ItemsTotal = null }).Overall);
        Assert.Equal(1, (view with { Status = "Succeeded", ItemsDone = 0, ItemsTotal = 0 }).Overall);
        Assert.Equal(1, (view with { ItemsDone = 130 }).Overall);
    }

    [Fact]
    public async Task A_queued_run_waits_behind_evals_in_the_gpu_queue_each_with_the_images_it_has_left_to_score()
    {
        var t0 = DateTime.UtcNow.AddMinutes(-10);
        await AddEvalAsync(JobRunStatus.Running, 120, 500, createdAt: t0);
        var queuedEval = await AddEvalAsync(JobRunStatus.Queued, null, null, createdAt: t0.AddMinutes(1), ownerId: "member-2");
        var demo = await RunSeeds.ImageAsync(Services, "demo.jpg");
        var mine = await RunSeeds.RunAsync(Services, JobRunKind.Explain, JobRunStatus.Queued, t0.AddMinutes(2), [(demo, JobImageStatus.Pending)]);

        var place = await Services.GetRequiredService<RunQueue>().PlaceAsync(_me, mine.Id);
        var evalPlace = await Services.GetRequiredService<RunQueue>().PlaceAsync(_me, queuedEval.Id);

        Assert.Equal(3, place!.Position);
        Assert.Equal("Queued: 3rd in the gpu queue, behind 'Evaluation · VOC21' by you (running), 380 images left; "
            + "'Evaluation · VOC21' by member-2@example.com, not started", place.Text);
        // A queued eval has its own place: behind the running one, not behind the later explain run.
        Assert.Equal(2, evalPlace!.Position);
        Assert.Equal("'Evaluation · VOC21' by you (running), 380 images left", Assert.Single(evalPlace.Ahead).Text);
    }

    [Fact]
    public async Task A_queued_evals_card_says_its_place_in_the_queue()
    {
        var t0 = DateTime.UtcNow.AddMinutes(-10);
        var demo = await RunSeeds.ImageAsync(Services, "demo.jpg");
        await RunSeeds.RunAsync(Services, JobRunKind.Batch, JobRunStatus.Running, t0, [(demo, JobImageStatus.Running)]);
        var queued = await AddEvalAsync(JobRunStatus.Queued, null, null, createdAt: t0.AddMinutes(1));

        var progress = Render<RunProgress>(p => p.Add(r => r.Run, ViewAsync(queued.Id).GetAwaiter().GetResult()));

        progress.WaitForAssertion(() => Assert.Equal("Queued: 2nd in the gpu queue, behind 'Batch · demo.jpg' by you (running), 1 image left",
            progress.Find("[data-testid=queue-position]").TextContent));
        Assert.Equal("waiting for the GPU worker", progress.Find("[data-testid=run-summary]").TextContent.Trim());
    }
}
