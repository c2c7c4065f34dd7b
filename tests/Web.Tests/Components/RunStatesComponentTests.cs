using System.Security.Claims;
using Bunit;
using ClipSurgeryWeb.Data;
using ClipSurgeryWeb.Engine.Methods;
using ClipSurgeryWeb.Web.Components.Pages.Batches;
using ClipSurgeryWeb.Web.Components.Pages.Explain;
using ClipSurgeryWeb.Web.Components.Shared;
using ClipSurgeryWeb.Web.Services;
using ClipSurgeryWeb.Web.Services.Runs;
using ClipSurgeryWeb.Web.State;
using Hangfire;
using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ModelsPage = ClipSurgeryWeb.Web.Components.Pages.Models.Models;
using RunDetailsPage = ClipSurgeryWeb.Web.Components.Pages.History.RunDetails;

namespace ClipSurgeryWeb.Web.Tests.Components;

/// <summary>The states of a run on the pages (issue 11, "no dead ends"): model, URL, cancel, queue, ETA, summary, downloads, example.</summary>
public sealed class RunStatesComponentTests : ComponentTestContext
{
    private readonly AcceptingJobs _jobs = new();

    public RunStatesComponentTests()
    {
        Services.AddSingleton<IBackgroundJobClient>(_jobs);
        Services.AddSingleton<UploadQueries>();
    }

    /// <summary>The member is an admin (roles first: setting them replaces the claims).</summary>
    private void AsAdmin()
    {
        Auth.SetRoles(ClipSurgeryWeb.Web.Auth.Roles.Admin);
        Auth.SetClaims(new Claim(ClaimTypes.NameIdentifier, "member-1"));
    }

    /// <summary>The page opened at <c>/explain?run=…</c> (bUnit fills query parameters from the navigation manager's URI).</summary>
    private IRenderedComponent<Explain> RenderExplainAt(Guid runId)
    {
        Services.GetRequiredService<NavigationManager>().NavigateTo($"/explain?run={runId}");
        return Render<Explain>();
    }

    private void SecondModel() => File.WriteAllBytes(Path.Combine(Root, "models", "clip_second_jit.pt"), [(byte)'P', (byte)'K', 0]);

    private static RunView View(string status, string kind = "Explain", string ownerId = "member-1", params RunImageView[] images) => new(
        Guid.NewGuid(), kind, status, ownerId, ownerId + "@example.com", true, DateTime.UtcNow.AddMinutes(-5), DateTime.UtcNow.AddMinutes(-5),
        status is "Queued" or "Running" ? null : DateTime.UtcNow, null,
        new RunSettings { ModelName = "clip_only_jit", Labels = ["cat", "dog"], Targets = ["cat", "dog"], Modes = [MapMethod.Surgery, MapMethod.Plain] },
        null, null, images);

    private static RunImageView ImageView(string status, string? stage = null, double progress = 0, DateTime? started = null, DateTime? finished = null,
        string? error = null) => new(
        Guid.NewGuid(), Guid.NewGuid(), "cat.png", "/api/images/x", status, stage, progress, null, null, error, [], [], null, started, finished);

    // ---- Default model ----

    [Fact]
    public async Task Explain_and_batches_preselect_the_model_of_the_members_latest_run_that_is_still_installed()
    {
        SecondModel();
        EnsureDatabase();
        var image = await RunSeeds.ImageAsync(Services, "cat.png");
        await RunSeeds.RunAsync(Services, JobRunKind.Explain, JobRunStatus.Succeeded, DateTime.UtcNow.AddHours(-2), [(image, JobImageStatus.Done)],
            new RunSettings { ModelName = "clip_second_jit", Labels = ["cat"] });
        // Newer, but its model was removed since: skipped.
        await RunSeeds.RunAsync(Services, JobRunKind.Explain, JobRunStatus.Succeeded, DateTime.UtcNow.AddHours(-1), [(image, JobImageStatus.Done)],
            new RunSettings { ModelName = "clip_removed_jit", Labels = ["cat"] });
        // Another member's newer run does not count.
        await RunSeeds.RunAsync(Services, JobRunKind.Explain, JobRunStatus.Succeeded, DateTime.UtcNow, [(image, JobImageStatus.Done)],
            new RunSettings { ModelName = "clip_only_jit", Labels = ["cat"] }, ownerId: "member-2");

        var explain = Render<Explain>();
        explain.WaitForAssertion(() => Assert.Equal("clip_second_jit", Services.GetRequiredService<ExplainState>().Model));
        var batches = Render<Batches>();
        batches.WaitForAssertion(() => Assert.Contains("clip_second_jit", batches.Find("[data-testid=model-select]").OuterHtml));
    }

    [Fact]
    public void With_several_models_and_no_runs_the_first_installed_is_preselected_never_none()
    {
        SecondModel();
        EnsureDatabase();

        var page = Render<Explain>();

        var state = Services.GetRequiredService<ExplainState>();
        page.WaitForAssertion(() => Assert.Equal(Services.GetRequiredService<ClipSurgeryWeb.Jobs.Models.ModelsFolder>().Clip[0].Name, state.Model));
        Assert.NotNull(state.Model);
    }

    // ---- The run in the URL ----

    [Fact]
    public async Task Run_puts_the_run_in_the_url_replacing_the_page_entry()
    {
        EnsureDatabase();
        var page = Render<Explain>();
        var state = Services.GetRequiredService<ExplainState>();
        await page.InvokeAsync(() => state.UploadAsync([new ClipSurgeryWeb.Web.Services.Runs.GeneratedFile("cat.png", "image/png", ExampleScene.Png())], 100_000));
        page.Find("input[data-testid=labels-input]").Input("cat, dog");

        page.Find("[data-testid=run-button]").Click();

        page.WaitForAssertion(() => Assert.NotNull(state.Run));
        var navigation = (Bunit.TestDoubles.BunitNavigationManager)Services.GetRequiredService<NavigationManager>();
        page.WaitForAssertion(() => Assert.EndsWith($"/explain?run={state.Run!.Id}", navigation.Uri));
        Assert.True(navigation.History.First().Options.ReplaceHistoryEntry);
    }

    [Fact]
    public async Task Opening_explain_with_a_run_in_the_url_restores_the_run_and_what_it_asked_into_the_form()
    {
        // A reload: a fresh circuit (this test's state has never seen the run) and the run's id in the URL.
        SecondModel();
        EnsureDatabase();
        var image = await RunSeeds.ImageAsync(Services, "street.png");
        var run = await RunSeeds.RunAsync(Services, JobRunKind.Explain, JobRunStatus.Running, DateTime.UtcNow, [(image, JobImageStatus.Running)],
            new RunSettings
            {
                ModelName = "clip_second_jit", Labels = ["person", "bench", "sky"], Targets = ["person", "person+bench"],
                Modes = [MapMethod.Plain], Resolution = 336, Precision = "fp32",
            }, shared: false);

        var page = RenderExplainAt(run.Id);

        var state = Services.GetRequiredService<ExplainState>();
        page.WaitForAssertion(() => Assert.Equal(run.Id, state.Run?.Id));
        Assert.Equal(["person", "bench", "sky"], state.Labels);
        Assert.Equal(["person", "person+bench"], state.Targets);
        Assert.Equal([MapMethod.Plain], state.Modes);
        Assert.Equal(("clip_second_jit", 336, "fp32", false), (state.Model, state.Resolution, state.Precision, state.Shared));
        Assert.Equal(["street.png"], state.Uploads.Select(u => u.FileName));
        Assert.Equal(run.Id.ToString(), page.Find("[data-testid=run]").GetAttribute("data-run-id"));

        // Live again: an update of the run reloads it.
        await Services.GetRequiredService<ClipSurgeryWeb.Web.State.LiveFeed>().StartAsync();
        await using (var db = await Services.GetRequiredService<IDbContextFactory<ClipSurgeryDb>>().CreateDbContextAsync())
            await db.RunImages.Where(i => i.RunId == run.Id).ExecuteUpdateAsync(u => u.SetProperty(i => i.Progress, 0.5));
        Services.GetRequiredService<ClipSurgeryWeb.Web.Live.LiveUpdates>().Publish(new ClipSurgeryWeb.Hosting.Live.JobEvent
        {
            Kind = ClipSurgeryWeb.Hosting.Live.JobEventKind.ImageProgress, RunId = run.Id, OwnerId = "member-1", Progress = 0.5,
        });
        page.WaitForAssertion(() => Assert.Equal("50", page.Find("[data-testid=job-progress]").GetAttribute("data-value")));
    }

    [Fact]
    public async Task A_run_in_the_url_that_the_member_may_not_see_says_so()
    {
        EnsureDatabase();
        var image = await RunSeeds.ImageAsync(Services, "secret.png", "member-2");
        var run = await RunSeeds.RunAsync(Services, JobRunKind.Explain, JobRunStatus.Succeeded, DateTime.UtcNow, [(image, JobImageStatus.Done)],
            ownerId: "member-2", shared: false);

        var page = RenderExplainAt(run.Id);

        page.WaitForAssertion(() => Assert.Equal($"run {run.Id}: not found, or not shared with you", page.Find("[data-testid=error]").TextContent.Trim()));
        Assert.Empty(page.FindAll("[data-testid=run]"));
    }

    // ---- Cancel and retry: only to the owner or an admin ----

    [Theory]
    [InlineData("member-1", false, true)]
    [InlineData("member-2", false, false)]
    [InlineData("member-2", true, true)]
    public void Cancel_is_offered_on_a_running_run_only_to_its_owner_or_an_admin(string ownerId, bool admin, bool offered)
    {
        if (admin)
            AsAdmin();
        var run = View("Running", ownerId: ownerId, images: ImageView("Running", "explain", 0.5, DateTime.UtcNow));
        var failed = View("CompletedWithErrors", ownerId: ownerId, images: ImageView("Failed", error: "boom"));

        var running = Render<RunProgress>(p => p.Add(r => r.Run, run).Add(r => r.OnCancel, _ => { }).Add(r => r.OnRetry, _ => { }));
        var finished = Render<RunProgress>(p => p.Add(r => r.Run, failed).Add(r => r.OnCancel, _ => { }).Add(r => r.OnRetry, _ => { }));

        Assert.Equal(offered, running.FindAll("[data-testid=cancel-button]").Count == 1);
        Assert.Equal(offered, finished.FindAll("[data-testid=retry-button]").Count == 1);
    }

    [Fact]
    public async Task The_run_page_cancels_a_running_run_of_the_member()
    {
        EnsureDatabase();
        var image = await RunSeeds.ImageAsync(Services, "cat.png");
        var run = await RunSeeds.RunAsync(Services, JobRunKind.Explain, JobRunStatus.Queued, DateTime.UtcNow, [(image, JobImageStatus.Pending)]);

        var page = Render<RunDetailsPage>(p => p.Add(r => r.Id, run.Id));
        page.WaitForAssertion(() => page.Find("[data-testid=cancel-button]").Click());

        page.WaitForAssertion(() => Assert.Equal("Cancelled", page.Find("[data-testid=run]").GetAttribute("data-status")));
        Assert.Empty(page.FindAll("[data-testid=cancel-button]"));
    }

    [Fact]
    public async Task Explain_offers_cancel_on_its_running_run_and_cancels_it()
    {
        EnsureDatabase();
        var image = await RunSeeds.ImageAsync(Services, "cat.png");
        var run = await RunSeeds.RunAsync(Services, JobRunKind.Explain, JobRunStatus.Queued, DateTime.UtcNow, [(image, JobImageStatus.Pending)]);

        var page = RenderExplainAt(run.Id);
        page.WaitForAssertion(() => page.Find("[data-testid=cancel-button]").Click());

        page.WaitForAssertion(() => Assert.Equal("Cancelled", page.Find("[data-testid=run]").GetAttribute("data-status")));
    }

    // ---- Queued: why and where ----

    [Fact]
    public async Task A_queued_run_says_its_place_and_what_runs_ahead_hiding_what_another_members_private_run_is()
    {
        EnsureDatabase();
        var demo = await RunSeeds.ImageAsync(Services, "demo.jpg");
        var more = await RunSeeds.ImageAsync(Services, "more.jpg");
        var theirs = await RunSeeds.ImageAsync(Services, "private.png", "member-2");
        var t0 = DateTime.UtcNow.AddMinutes(-10);
        await RunSeeds.RunAsync(Services, JobRunKind.Batch, JobRunStatus.Running, t0,
            [(demo, JobImageStatus.Done), (more, JobImageStatus.Running), (demo, JobImageStatus.Pending)]);
        await RunSeeds.RunAsync(Services, JobRunKind.Explain, JobRunStatus.Queued, t0.AddMinutes(1), [(theirs, JobImageStatus.Pending)],
            ownerId: "member-2", shared: false);
        // A download is in another queue; a later queued run is behind, not ahead.
        await RunSeeds.RunAsync(Services, JobRunKind.Download, JobRunStatus.Running, t0, [], new RunSettings { OfficialName = "ViT-B/16" });
        var mine = await RunSeeds.RunAsync(Services, JobRunKind.Explain, JobRunStatus.Queued, t0.AddMinutes(2), [(demo, JobImageStatus.Pending)]);
        await RunSeeds.RunAsync(Services, JobRunKind.Explain, JobRunStatus.Queued, t0.AddMinutes(3), [(demo, JobImageStatus.Pending)]);
        var view = (await Services.GetRequiredService<RunQueries>().GetAsync(new Jobs.Running.Requester("member-1", "m", false), mine.Id))!;

        var progress = Render<RunProgress>(p => p.Add(r => r.Run, view));

        progress.WaitForAssertion(() => Assert.Equal(
            "Queued: 3rd in the gpu queue, behind 'Batch · demo.jpg…' by you (running), 2 images left; a private run by another member, 1 image left",
            progress.Find("[data-testid=queue-position]").TextContent));
    }

    [Fact]
    public void The_queue_place_names_three_runs_and_counts_the_rest()
    {
        var who = new Jobs.Running.Requester("member-1", "m", false);
        var image = new UploadedImage { Id = Guid.NewGuid(), OwnerId = "member-2", OwnerName = "bob", FileName = "a.png", Extension = ".png", ContentType = "image/png" };
        var runs = Enumerable.Range(0, 5).Select(i => new JobRun
        {
            Id = Guid.NewGuid(), Kind = JobRunKind.Explain, Status = JobRunStatus.Queued, OwnerId = "member-2", OwnerName = "bob", Shared = true,
            CreatedAt = DateTime.UtcNow.AddMinutes(i),
            Images = [new JobImage { Id = Guid.NewGuid(), ImageId = image.Id, Image = image, Status = JobImageStatus.Pending }],
        });

        var place = RunQueue.Place(who, runs);

        Assert.Equal(6, place.Position);
        Assert.Equal("Queued: 6th in the gpu queue, behind 'Explain · a.png' by bob, 1 image left; 'Explain · a.png' by bob, 1 image left; "
            + "'Explain · a.png' by bob, 1 image left; and 2 more", place.Text);
        Assert.Equal("Queued: next in the gpu queue, waiting for a free GPU worker", RunQueue.Place(who, []).Text);
    }

    // ---- ETA: this run's own working time ----

    [Fact]
    public void The_eta_counts_the_images_own_working_time_not_the_time_since_the_run_started()
    {
        var now = DateTime.UtcNow;
        // The run started an hour ago (a queue and a restart), but its finished image took 60 s and the current one is half done.
        var run = View("Running", images:
        [
            ImageView("Done", started: now.AddSeconds(-90), finished: now.AddSeconds(-30)),
            ImageView("Running", "explain", 0.5, started: now.AddSeconds(-30)),
            ImageView("Pending"),
        ]) with { StartedAt = now.AddHours(-1) };

        var left = RunEta.Left(run, now);

        // Half of the running image (30 s) and one more (60 s).
        Assert.Equal(90, left!.Value.TotalSeconds, precision: 3);
        var progress = Render<RunProgress>(p => p.Add(r => r.Run, run));
        Assert.Contains("about 1 min 30 s left", progress.Find("[data-testid=run-summary]").TextContent);
    }

    [Fact]
    public void Before_any_image_finished_the_eta_comes_from_the_current_images_pace_and_without_any_there_is_none()
    {
        var now = DateTime.UtcNow;
        var run = View("Running", images: [ImageView("Running", "explain", 0.25, started: now.AddSeconds(-10)), ImageView("Pending")]);
        Assert.Equal(70, RunEta.Left(run, now)!.Value.TotalSeconds, precision: 3); // 40 s per image: 30 s + 40 s
        Assert.Null(RunEta.Left(View("Running", images: [ImageView("Running", "load", 0, started: now)]), now));
        Assert.Null(RunEta.Left(View("Succeeded", images: [ImageView("Done")]), now));
    }

    // ---- Opinions on a CPU: warn before starting ----

    [Fact]
    public void Batches_warns_before_many_opinion_iterations_on_a_cpu_and_suggests_fewer()
    {
        EnsureDatabase();
        var page = Render<Batches>();

        page.WaitForAssertion(() => Assert.Matches(
            @"^400 iterations on this CPU take about \d+ min per image; try 100 \(about \d+ min\)\. You can still start\.$",
            page.Find("[data-testid=opinions-warning]").TextContent.Trim()));

        page.Find("input[data-testid=iterations-input]").Change("50");
        page.WaitForAssertion(() => Assert.Empty(page.FindAll("[data-testid=opinions-warning]")));
    }

    [Fact]
    public async Task The_opinions_estimate_uses_this_servers_measured_time_per_iteration_and_says_nothing_off_a_cpu()
    {
        EnsureDatabase();
        var image = await RunSeeds.ImageAsync(Services, "cat.png");
        var t = DateTime.UtcNow.AddHours(-1);
        // 200 iterations took 600 s: 3 s per iteration.
        await RunSeeds.RunAsync(Services, JobRunKind.Opinions, JobRunStatus.Succeeded, t, [(image, JobImageStatus.Done)],
            new RunSettings { ModelName = "clip_only_jit", Iterations = 200 },
            change: r => { r.Images[0].StartedAt = t; r.Images[0].FinishedAt = t.AddSeconds(600); });
        var cpu = Services.GetRequiredService<OpinionsEstimate>();

        Assert.Equal("400 iterations on this CPU take about 20 min per image; try 100 (about 5 min). You can still start.",
            await cpu.WarningAsync("clip_only_jit", 400));
        Assert.Null(await cpu.WarningAsync("clip_only_jit", 100));
        var gpu = new OpinionsEstimate(Services.GetRequiredService<IDbContextFactory<ClipSurgeryDb>>(), new EngineDevice(() => "cuda:0"));
        Assert.Null(await gpu.WarningAsync("clip_only_jit", 400));
    }

    // ---- The run summary ----

    [Fact]
    public void A_failed_run_shows_its_summary_and_its_error_as_separate_lines_and_a_bar_of_what_was_done_in_the_error_colour()
    {
        var run = View("Failed", images: ImageView("Failed", "segment", 0.4, error: "image: cannot be decoded")) with { Error = "1 of 1 images failed" };

        var progress = Render<RunProgress>(p => p.Add(r => r.Run, run));

        var summary = progress.Find("[data-testid=run-summary]");
        var error = progress.Find("[data-testid=run-error]");
        Assert.Equal("0 of 1 images done, 1 failed", summary.TextContent);
        Assert.Equal("1 of 1 images failed", error.TextContent);
        Assert.Equal("DIV", summary.TagName);
        Assert.Equal("DIV", error.TagName);
        Assert.Same(summary.ParentElement, error.ParentElement);
        var bar = progress.Find("[data-testid=job-progress]");
        Assert.Equal("0", bar.GetAttribute("data-value"));
        Assert.Equal("Error", bar.GetAttribute("data-colour"));
    }

    [Fact]
    public void A_finished_image_shows_no_stage_and_a_running_one_does()
    {
        var run = View("Running", images: [ImageView("Done", "segment", 1), ImageView("Running", "explain", 0.3, DateTime.UtcNow)]);

        var progress = Render<RunProgress>(p => p.Add(r => r.Run, run));

        var lines = progress.FindAll("[data-testid=image-progress]");
        Assert.DoesNotContain("segment", lines[0].TextContent);
        Assert.Contains("Done", lines[0].TextContent);
        Assert.Contains("· explain", lines[1].TextContent);
    }

    [Fact]
    public void The_status_chip_takes_the_colour_of_the_new_status_when_the_same_card_is_shown_again()
    {
        var running = View("Running", images: ImageView("Running", "explain", 0.5, DateTime.UtcNow));
        var progress = Render<RunProgress>(p => p.Add(r => r.Run, running));
        Assert.Contains("mud-chip-color-info", progress.Find("[data-testid=run-status]").ClassName);

        progress.Render(p => p.Add(r => r.Run, running with { Status = "Succeeded", FinishedAt = DateTime.UtcNow, Images = [ImageView("Done")] }));

        var chip = progress.Find("[data-testid=run-status]");
        Assert.Equal("Succeeded", chip.TextContent.Trim());
        Assert.Contains("mud-chip-color-success", chip.ClassName);
        Assert.DoesNotContain("mud-chip-color-info", chip.ClassName);
    }

    // ---- Run details ----

    [Fact]
    public void Every_run_card_states_model_methods_resolution_targets_who_when_and_duration_with_the_targets_expandable()
    {
        var run = View("Succeeded", images: ImageView("Done")) with
        {
            Settings = new RunSettings
            {
                ModelName = "ViT-B-16", SamModelName = "sam_vit_b", Labels = ["a"], Targets = ["cat", "dog", "person+bench", "sky", "tree", "road"],
                Modes = [MapMethod.Surgery, MapMethod.Plain], Resolution = 512,
            },
            StartedAt = DateTime.UtcNow.AddSeconds(-75),
            FinishedAt = DateTime.UtcNow,
        };

        var card = Render<RunProgress>(p => p.Add(r => r.Run, run));

        string Detail(string key) => card.Find($"[data-testid=run-details] [data-detail={key}]").TextContent.Trim();
        Assert.Equal("model ViT-B-16", Detail("model"));
        Assert.Equal($"methods {MapMethods.Get(MapMethod.Surgery).DisplayName}, {MapMethods.Get(MapMethod.Plain).DisplayName}", Detail("methods"));
        Assert.Equal("resolution 512", Detail("resolution"));
        Assert.Equal("SAM sam_vit_b", Detail("sam"));
        Assert.Equal("by member-1@example.com", Detail("who"));
        Assert.Equal("took 1 min 15 s", Detail("duration"));
        Assert.Contains("cat, dog, person+bench, sky", Detail("targets"));
        Assert.DoesNotContain("road", Detail("targets"));
        card.Find("[data-testid=targets-toggle]").Click();
        Assert.Contains("tree, road", Detail("targets"));
    }

    // ---- Model downloads ----

    [Fact]
    public void A_download_card_names_the_model_and_an_unknown_size_is_indeterminate_not_a_full_bar()
    {
        var run = View("Running", kind: "Download") with { Settings = new RunSettings { OfficialName = "ViT-B/16" }, BytesDone = 3 * 1048576, BytesTotal = null };

        var card = Render<RunProgress>(p => p.Add(r => r.Run, run));

        Assert.Equal("Download · ViT-B/16 · member-1@example.com", card.Find("[data-testid=run-title]").TextContent.Trim());
        Assert.Equal("3.0 MB so far", card.Find("[data-testid=run-summary]").TextContent);
        Assert.Equal("true", card.Find("[data-testid=job-progress]").GetAttribute("data-indeterminate"));
        Assert.Equal("0", card.Find("[data-testid=job-progress]").GetAttribute("data-value"));

        card.Render(p => p.Add(r => r.Run, run with { Status = "Failed", FinishedAt = DateTime.UtcNow, Error = "ViT-B/16: answered 404" }));

        Assert.Equal("3.0 MB downloaded", card.Find("[data-testid=run-summary]").TextContent);
        Assert.Equal("false", card.Find("[data-testid=job-progress]").GetAttribute("data-indeterminate"));
        Assert.Equal("Error", card.Find("[data-testid=job-progress]").GetAttribute("data-colour"));
    }

    [Fact]
    public async Task A_failed_download_wraps_its_error_inside_the_card_and_an_admin_retries_it_from_the_models_page()
    {
        AsAdmin();
        EnsureDatabase();
        var longUrl = "https://openaipublic.azureedge.net/clip/models/" + new string('x', 300) + "/ViT-B-16.pt";
        var failed = await RunSeeds.RunAsync(Services, JobRunKind.Download, JobRunStatus.Failed, DateTime.UtcNow, [],
            new RunSettings { OfficialName = "ViT-B/16" }, change: r => r.Error = $"ViT-B/16: {longUrl} answered 404");

        var page = Render<ModelsPage>();
        page.WaitForAssertion(() => Assert.Contains(longUrl, page.Find("[data-testid=run-error]").TextContent));
        Assert.Contains("run-error", page.Find("[data-testid=run-error]").ClassName);
        var css = await File.ReadAllTextAsync(RunsCss());
        Assert.Matches(@"\.run-line \{[^}]*overflow-wrap: anywhere", css);

        page.Find("[data-testid=retry-button]").Click();

        page.WaitForAssertion(() => Assert.Equal("Queued", page.Find("[data-testid=run]").GetAttribute("data-status")));
        Assert.Single(_jobs.Created);
        Assert.Equal("DownloadModelJob", _jobs.Created[0].Type.Name);
    }

    // ---- Getting started ----

    [Fact]
    public async Task An_empty_explain_page_offers_an_example_that_uploads_our_scene_and_runs_the_demos_question_in_one_click()
    {
        EnsureDatabase();
        var page = Render<Explain>();

        page.Find("[data-testid=try-example]").Click();

        var state = Services.GetRequiredService<ExplainState>();
        page.WaitForAssertion(() => Assert.NotNull(state.Run));
        Assert.Empty(state.Errors);
        Assert.Equal(Jobs.Running.Labels.PascalContext, state.Run!.Settings.Labels);
        Assert.Equal(["bench", "person", "ground", "building"], state.Run.Settings.Targets);
        Assert.Equal("clip_only_jit", state.Run.Settings.ModelName);
        page.WaitForAssertion(() => Assert.EndsWith($"/explain?run={state.Run.Id}", Services.GetRequiredService<NavigationManager>().Uri));
        // The normal upload path: the member's own upload, stored and listed.
        await using var db = await Services.GetRequiredService<IDbContextFactory<ClipSurgeryDb>>().CreateDbContextAsync();
        var upload = await db.Images.SingleAsync();
        Assert.Equal((ExampleScene.FileName, "member-1", ExampleScene.Width, ExampleScene.Height), (upload.FileName, upload.OwnerId, upload.Width, upload.Height));
        Assert.Empty(page.FindAll("[data-testid=try-example]"));
    }

    [Fact]
    public void The_example_scene_is_drawn_the_same_every_time_with_sky_ground_a_bench_and_a_person()
    {
        using var image = SixLabors.ImageSharp.Image.Load<SixLabors.ImageSharp.PixelFormats.Rgb24>(ExampleScene.Png());

        Assert.Equal((ExampleScene.Width, ExampleScene.Height), (image.Width, image.Height));
        Assert.True(image[224, 5].B > image[224, 5].R, "sky at the top is blue");
        Assert.True(image[20, 330].G > image[20, 330].R, "grass at the bottom is green");
        Assert.Equal(new SixLabors.ImageSharp.PixelFormats.Rgb24(120, 75, 40), image[260, 245]); // the bench's seat
        Assert.Equal(new SixLabors.ImageSharp.PixelFormats.Rgb24(200, 40, 40), image[370, 200]); // the person's body
        Assert.Equal(ExampleScene.Png(), ExampleScene.Png());
    }

    /// <summary>src/Web/wwwroot/css/runs.css of this checkout (the tests run under tests/Web.Tests/bin/…).</summary>
    private static string RunsCss()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var path = Path.Combine(dir.FullName, "src", "Web", "wwwroot", "css", "runs.css");
            if (File.Exists(path))
                return path;
        }
        throw new FileNotFoundException("src/Web/wwwroot/css/runs.css not found above " + AppContext.BaseDirectory);
    }
}
