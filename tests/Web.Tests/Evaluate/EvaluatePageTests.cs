using System.Security.Claims;
using Bunit;
using ClipSurgeryWeb.Data;
using ClipSurgeryWeb.Engine.Evaluation;
using ClipSurgeryWeb.Engine.Methods;
using ClipSurgeryWeb.Hosting.Live;
using ClipSurgeryWeb.Jobs.Evaluation;
using ClipSurgeryWeb.Web.Auth;
using ClipSurgeryWeb.Web.Live;
using ClipSurgeryWeb.Web.Services.Evaluations;
using ClipSurgeryWeb.Web.State;
using ClipSurgeryWeb.Web.Tests.Components;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using EvaluatePage = ClipSurgeryWeb.Web.Components.Pages.Evaluate.Evaluate;

namespace ClipSurgeryWeb.Web.Tests.Evaluate;

/// <summary>
/// The Evaluate page on stored eval runs: the table from their reports (the latest succeeded eval per model, method and
/// benchmark), a score's per-class IoU bars and settings, the history with live progress, the published figures with
/// their sources; the form and the cancel button for admins only.
/// </summary>
public sealed class EvaluatePageTests : ComponentTestContext
{
    private const string Me = "member-1";
    private static readonly DateTime Now = new(2026, 11, 30, 12, 0, 0, DateTimeKind.Utc);
    private readonly AcceptingJobs _jobs = new();
    private readonly string _datasets;

    public EvaluatePageTests()
    {
        _datasets = Directory.CreateDirectory(Path.Combine(Root, "datasets")).FullName;
        Directory.CreateDirectory(Path.Combine(_datasets, "VOCdevkit"));
        Services.AddSingleton(new DatasetFolders(_datasets));
        Services.AddSingleton<EvalQueries>();
        Services.AddSingleton<Hangfire.IBackgroundJobClient>(_jobs);
        EnsureDatabase();
    }

    private void BeAdmin()
    {
        Auth.SetRoles(Roles.Admin);
        Auth.SetClaims(new Claim(ClaimTypes.NameIdentifier, Me)); // SetRoles drops the claims
    }

    private async Task<IRenderedComponent<EvaluatePage>> RenderPageAsync()
    {
        await Services.GetRequiredService<LiveFeed>().StartAsync();
        return Render<EvaluatePage>();
    }

    /// <summary>A report over the classes "background", "cat", "dog", "sofa" whose per-class IoUs are given, mIoU their nanmean.</summary>
    private static EvalReport Report(EvalDatasetKind dataset, string model, params (MapMethod Method, double[] Iou)[] methods) => new(
        model, null, dataset, "/data/datasets/VOCdevkit", 10, 1449, 336, Pamr: true, Limit: 10, ["background", "cat", "dog", "sofa"],
        methods.Select(m => new EvalMethodScores(m.Method, new SegmentationScores(0.9, m.Iou.Where(v => !double.IsNaN(v)).Average(), 0.8, m.Iou,
            m.Iou.Select(v => v + 0.01).ToList()), EvalProtocol.For(m.Method, dataset).With(336, true))).ToList(),
        new DateTimeOffset(Now.AddMinutes(-5)), new DateTimeOffset(Now));

    private async Task<Guid> AddEvalAsync(EvalReport? report, JobRunStatus status = JobRunStatus.Succeeded, DateTime? finishedAt = null,
        int? done = null, int? total = null, string owner = "admin-1")
    {
        await using var db = await Services.GetRequiredService<IDbContextFactory<ClipSurgeryDb>>().CreateDbContextAsync();
        var run = new JobRun
        {
            Id = Guid.NewGuid(),
            Kind = JobRunKind.Evaluation,
            Status = status,
            OwnerId = owner,
            OwnerName = owner + "@example.com",
            Shared = true,
            CreatedAt = (finishedAt ?? Now).AddMinutes(-10),
            StartedAt = (finishedAt ?? Now).AddMinutes(-9),
            FinishedAt = status is JobRunStatus.Queued or JobRunStatus.Running ? null : finishedAt ?? Now,
            ItemsDone = done ?? report?.Images,
            ItemsTotal = total ?? report?.Images,
            ReportJson = report is null ? null : EvalReportJson.Write(report),
            Settings = new RunSettings
            {
                ModelName = report?.Model ?? "clip_vit_b16",
                LabelMethods = report?.Methods.Select(m => m.Method).ToList() ?? [DenseMethod.Naclip.Method],
                Dataset = report?.Dataset ?? EvalDatasetKind.Voc21,
                DatasetFolder = Path.Combine(_datasets, "VOCdevkit"),
                Limit = 10,
                Pamr = true,
            },
        };
        db.Runs.Add(run);
        await db.SaveChangesAsync();
        return run.Id;
    }

    private static IReadOnlyList<string> Cells(IRenderedComponent<EvaluatePage> page, string method) =>
        page.FindAll($"[data-testid=scores-row][data-method={method}] td").Select(td => td.TextContent.Trim()).ToList();

    [Fact]
    public async Task The_table_shows_the_latest_succeeded_score_per_model_method_and_benchmark_from_the_stored_reports()
    {
        var naclip = DenseMethod.Naclip.Method;
        await AddEvalAsync(Report(EvalDatasetKind.Voc21, "clip_vit_b16", (naclip, [0.5, 0.5, 0.5, 0.5])), finishedAt: Now.AddDays(-2));
        await AddEvalAsync(Report(EvalDatasetKind.Voc21, "clip_vit_b16", (naclip, [0.8, 0.6, 0.4, double.NaN]), (MapMethod.Surgery, [0.2, 0.3, 0.1, 0.2])),
            finishedAt: Now.AddDays(-1));
        await AddEvalAsync(Report(EvalDatasetKind.Cityscapes, "clip_vit_b16", (naclip, [0.3, 0.3, 0.3, 0.3])));
        // Newer, but failed: its (partial) report is not a score.
        await AddEvalAsync(Report(EvalDatasetKind.Voc21, "clip_vit_b16", (naclip, [0.1, 0.1, 0.1, 0.1])), JobRunStatus.Failed, Now);

        var page = await RenderPageAsync();

        // Method, model, then VOC21, VOC20, Context-60, Context-59, COCO-Object, COCO-Stuff, Cityscapes, ADE20K.
        Assert.Equal(["Surgery", "clip_vit_b16", "20.00", "—", "—", "—", "—", "—", "—", "—"], Cells(page, "cs"));
        Assert.Equal(["NACLIP", "clip_vit_b16", "60.00", "—", "—", "—", "—", "—", "30.00", "—"], Cells(page, "naclip"));
        Assert.Equal(["VOC21", "VOC20", "Context-60", "Context-59", "COCO-Object", "COCO-Stuff", "Cityscapes", "ADE20K"],
            page.FindAll("[data-testid=scores-column]").Select(c => c.TextContent.Trim()));
        Assert.Equal(4, page.FindAll("[data-testid=eval-run]").Count);
    }

    [Fact]
    public async Task Clicking_a_score_shows_its_per_class_iou_bars_with_the_datasets_class_names_and_the_evals_settings()
    {
        var naclip = DenseMethod.Naclip.Method;
        await AddEvalAsync(Report(EvalDatasetKind.Voc21, "clip_vit_b16", (naclip, [0.8, 0.6, 0.4, double.NaN]), (MapMethod.Surgery, [0.2, 0.3, 0.1, 0.2])));
        var page = await RenderPageAsync();
        Assert.Empty(page.FindAll("[data-testid=eval-details]"));

        page.Find("[data-testid=scores-row][data-method=naclip] [data-testid=score-cell][data-dataset=Voc21]").Click();

        var bars = page.FindAll("[data-testid=class-bar]");
        Assert.Equal(["background", "cat", "dog", "sofa"], bars.Select(b => b.GetAttribute("data-class")));
        Assert.Equal(["80.00", "60.00", "40.00", "—"], page.FindAll("[data-testid=class-iou]").Select(v => v.TextContent.Trim()));
        Assert.Contains("width:80%", bars[0].InnerHtml);
        Assert.Equal("clip_vit_b16", page.Find("[data-testid=setting-model]").TextContent.Trim());
        Assert.Equal("Surgery, NACLIP", page.Find("[data-testid=setting-methods]").TextContent.Trim());
        Assert.Equal("10 of 1449 (limit 10)", page.Find("[data-testid=setting-images]").TextContent.Trim());
        Assert.Equal("336", page.Find("[data-testid=setting-short-side]").TextContent.Trim());
        Assert.Equal("on", page.Find("[data-testid=setting-pamr]").TextContent.Trim());
        // Each method's protocol as the report recorded it: NACLIP's cfg_voc21.py (whole image, PAMR), CLIP Surgery's the issue's.
        var naclipProtocol = page.Find("[data-testid=protocol-row][data-method=naclip]");
        Assert.Equal("sinahmr/NACLIP configs/cfg_voc21.py", naclipProtocol.QuerySelector("[data-testid=protocol-source]")!.TextContent.Trim());
        Assert.Equal("whole image", naclipProtocol.QuerySelector("[data-testid=protocol-window]")!.TextContent.Trim());
        Assert.Equal("0.1", naclipProtocol.QuerySelector("[data-testid=protocol-threshold]")!.TextContent.Trim());
        Assert.Equal("on", naclipProtocol.QuerySelector("[data-testid=protocol-pamr]")!.TextContent.Trim());
        Assert.Contains("publishes no segmentation eval code", page.Find("[data-testid=protocol-row][data-method=cs] [data-testid=protocol-source]").TextContent);
        Assert.Equal("admin-1@example.com", page.Find("[data-testid=setting-owner]").TextContent.Trim());
        Assert.Equal("9 min 0 s", page.Find("[data-testid=setting-duration]").TextContent.Trim());
        // The folder as members may read it: relative to the datasets root, never the server path.
        Assert.Equal("VOCdevkit", page.Find("[data-testid=setting-folder]").TextContent.Trim());
        Assert.DoesNotContain(_datasets, page.Markup);

        // The eval's other method, from its chip.
        page.Find("[data-testid=details-method-cs]").Click();
        Assert.Equal(["20.00", "30.00", "10.00", "20.00"], page.FindAll("[data-testid=class-iou]").Select(v => v.TextContent.Trim()));
    }

    [Fact]
    public async Task Opened_from_a_link_to_one_eval_the_page_shows_that_evals_scores()
    {
        var naclip = DenseMethod.Naclip.Method;
        await AddEvalAsync(Report(EvalDatasetKind.Voc21, "clip_vit_b16", (naclip, [0.8, 0.6, 0.4, double.NaN])), finishedAt: Now.AddDays(-1));
        var linked = await AddEvalAsync(Report(EvalDatasetKind.Cityscapes, "clip_vit_b16", (naclip, [0.3, 0.2, 0.1, 0.4])));
        Services.GetRequiredService<Microsoft.AspNetCore.Components.NavigationManager>().NavigateTo($"/evaluate?run={linked}");

        var page = await RenderPageAsync();

        page.WaitForAssertion(() => Assert.Equal(["30.00", "20.00", "10.00", "40.00"],
            page.FindAll("[data-testid=class-iou]").Select(v => v.TextContent.Trim())));
    }

    [Fact]
    public async Task A_member_who_is_not_an_admin_sees_the_results_but_no_form_and_no_cancel()
    {
        await AddEvalAsync(null, JobRunStatus.Running, done: 3, total: 12);
        await AddEvalAsync(Report(EvalDatasetKind.Voc20, "clip_vit_b16", (DenseMethod.Sclip.Method, [0.5, 0.5, 0.5, 0.5])));

        var page = await RenderPageAsync();

        Assert.Empty(page.FindAll("[data-testid=eval-form]"));
        Assert.NotNull(page.Find("[data-testid=eval-admin-only]"));
        Assert.Empty(page.FindAll("[data-testid=eval-cancel]"));
        Assert.Equal(2, page.FindAll("[data-testid=eval-run]").Count);
        Assert.Single(page.FindAll("[data-testid=scores-row]"));
    }

    [Fact]
    public async Task The_published_figures_stand_beside_ours_each_with_its_source()
    {
        var page = await RenderPageAsync();

        var surgery = page.Find("[data-testid=published-row][data-method='CLIP Surgery']");
        Assert.Equal("31.4", surgery.QuerySelector("[data-testid=published-cell][data-dataset=Cityscapes]")!.TextContent.Trim());
        Assert.Equal("21.9", surgery.QuerySelector("[data-testid=published-cell][data-dataset=CocoStuff]")!.TextContent.Trim());
        Assert.Equal(["CLIP Surgery", "SCLIP", "SCLIP (repository)", "NACLIP", "NACLIP + PAMR (repository)", "ClearCLIP"],
            page.FindAll("[data-testid=published-row]").Select(r => r.GetAttribute("data-method")));
        var sclip = page.Find("[data-testid=published-row][data-method=SCLIP]");
        Assert.Equal("59.1", sclip.QuerySelector("[data-testid=published-cell][data-dataset=Voc21]")!.TextContent.Trim());
        var citations = page.FindAll("[data-testid=citation]").Select(c => c.TextContent).ToList();
        Assert.Equal(6, citations.Count);
        Assert.Contains("arXiv 2304.05653", citations[0]);
        Assert.Contains("Table 6", citations[0]);
        Assert.Contains("arXiv 2312.01597", citations[1]);
        Assert.Contains("quoted identically", citations[1]);
        Assert.Contains("README", citations[2]);
        Assert.Contains("arXiv 2404.08181", citations[3]);
        Assert.Contains("PAMR on", citations[4]);
        Assert.Contains("arXiv 2407.12442", citations[5]);
        // Every published figure on the page is one of PublishedScores, each row pointing at its own source.
        Assert.Equal(PublishedScores.All.Count, page.FindAll("[data-testid=published-cell]").Count);
        Assert.Equal("#cite-naclip-paper", page.Find("[data-testid=published-row][data-method=NACLIP] sup a").GetAttribute("href"));
        Assert.NotEmpty(page.FindAll("[data-testid=published-note]"));
    }

    [Fact]
    public async Task An_admin_starts_an_eval_from_the_form_and_a_bad_folder_is_refused_by_its_name()
    {
        BeAdmin();
        var page = await RenderPageAsync();

        page.Find("input[data-testid=eval-folder]").Input("no_such_folder");
        page.Find("[data-testid=eval-start]").Click();
        page.WaitForAssertion(() => Assert.Equal("dataset folder 'no_such_folder': not found on the server",
            page.Find("[data-testid=eval-form-error]").TextContent.Trim()));

        page.Find("input[data-testid=eval-folder]").Input("VOCdevkit");
        page.Find("[data-testid=eval-start]").Click();

        page.WaitForAssertion(() => Assert.Equal("Queued", page.Find("[data-testid=eval-run]").GetAttribute("data-status")));
        Assert.Empty(page.FindAll("[data-testid=eval-form-error]"));
        await using var db = await Services.GetRequiredService<IDbContextFactory<ClipSurgeryDb>>().CreateDbContextAsync();
        var run = await db.Runs.SingleAsync();
        Assert.Equal(JobRunKind.Evaluation, run.Kind);
        Assert.Equal(Path.Combine(_datasets, "VOCdevkit"), run.Settings.DatasetFolder);
        Assert.Equal("clip_only_jit", run.Settings.ModelName);
        Assert.Equal(["cs", "sclip", "naclip"], run.Settings.LabelMethods.Select(m => m.Name));
        // Left as they open: each method's own protocol (PAMR as its code: NACLIP on; its config's short side).
        Assert.Equal((null, null), (run.Settings.Pamr, run.Settings.ShortSide));
        Assert.Single(_jobs.Created);
        Assert.Equal(typeof(EvalJob), _jobs.Created[0].Type);
    }

    [Fact]
    public async Task An_eval_under_each_methods_own_protocol_says_so_and_shows_sclips_voc21_config()
    {
        var sclip = DenseMethod.Sclip.Method;
        var report = Report(EvalDatasetKind.Voc21, "clip_vit_b16", (sclip, [0.8, 0.6, 0.4, 0.2])) with { ShortSide = null, Pamr = null };
        report = report with { Methods = [report.Methods[0] with { Protocol = EvalProtocol.For(sclip, EvalDatasetKind.Voc21) }] };
        await AddEvalAsync(report);
        var page = await RenderPageAsync();

        page.Find("[data-testid=scores-row][data-method=sclip] [data-testid=score-cell][data-dataset=Voc21]").Click();

        Assert.Equal("each method's own", page.Find("[data-testid=setting-short-side]").TextContent.Trim());
        Assert.Equal("as each method's code (NACLIP on)", page.Find("[data-testid=setting-pamr]").TextContent.Trim());
        var row = page.FindAll("[data-testid=protocol-row][data-method=sclip] td").Select(td => td.TextContent.Trim()).ToList();
        Assert.Equal(["SCLIP", "wangf3014/SCLIP configs/cfg_voc21.py", "336", "slide 224/112", "65", "0.1", "0.1", "off"], row);
    }

    [Fact]
    public async Task The_history_shows_an_evals_progress_live_and_an_admin_cancels_it()
    {
        BeAdmin();
        var id = await AddEvalAsync(null, JobRunStatus.Running, done: 3, total: 12);
        var page = await RenderPageAsync();
        Assert.Equal("25", page.Find("[data-testid=eval-progress]").GetAttribute("data-value"));
        Assert.Equal("3 of 12 images scored", page.Find("[data-testid=eval-progress-text]").TextContent.Trim());

        await using (var db = await Services.GetRequiredService<IDbContextFactory<ClipSurgeryDb>>().CreateDbContextAsync())
            await db.Runs.Where(r => r.Id == id).ExecuteUpdateAsync(s => s.SetProperty(r => r.ItemsDone, 9));
        Services.GetRequiredService<LiveUpdates>().Publish(new JobEvent
        {
            Kind = JobEventKind.RunChanged, RunId = id, OwnerId = "admin-1", Shared = true, RunStatus = "Running", Overall = 0.75,
        });
        page.WaitForAssertion(() => Assert.Equal("9 of 12 images scored", page.Find("[data-testid=eval-progress-text]").TextContent.Trim()));
        Assert.Equal("75", page.Find("[data-testid=eval-progress]").GetAttribute("data-value"));

        page.Find("[data-testid=eval-cancel]").Click();

        await using var check = await Services.GetRequiredService<IDbContextFactory<ClipSurgeryDb>>().CreateDbContextAsync();
        page.WaitForAssertion(() => Assert.True(check.Runs.AsNoTracking().Single(r => r.Id == id).CancelRequested));
    }
}
