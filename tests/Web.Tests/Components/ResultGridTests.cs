using Bunit;
using ClipSurgeryWeb.Data;
using ClipSurgeryWeb.Engine.Methods;
using ClipSurgeryWeb.Engine.Pipeline;
using ClipSurgeryWeb.Web.Components.Shared;
using ClipSurgeryWeb.Web.Services;
using static ClipSurgeryWeb.Web.Tests.Components.ResultRuns;

namespace ClipSurgeryWeb.Web.Tests.Components;

/// <summary>The result grid: targets × methods per image, filters over all images, paging of long runs, CLIP's label ranking.</summary>
public sealed class ResultGridTests : ComponentTestContext
{
    private static readonly MapMethod[] ThreeMethods = [MapMethod.Surgery, MapMethod.Plain, MapMethod.Single];

    private IRenderedComponent<ResultGrid> Grid(RunView run) => Render<ResultGrid>(p => p.Add(g => g.Run, run));

    private static List<string> Rows(IRenderedComponent<ResultGrid> grid, int image = 0) =>
        grid.FindAll("[data-testid=gallery-image]")[image].QuerySelectorAll("[data-testid=result-label]").Select(l => l.TextContent).ToList();

    private static List<string> Columns(IRenderedComponent<ResultGrid> grid) =>
        grid.FindAll("[data-testid=gallery-image]")[0].QuerySelectorAll("[data-testid=result-column]").Select(c => c.TextContent).ToList();

    [Fact]
    public void Rows_are_the_targets_in_the_order_asked_and_columns_plain_clip_surgery_single_label_then_the_sam_mask()
    {
        // Files arrive sorted by name (cat before zebra); the run asked for zebra first.
        var image = Image("cat.png", [.. Maps(["zebra", "cat"], ThreeMethods), Sam("mask", "cat"), Sam("overlay", "cat")]);
        var run = Run(new RunSettings { Labels = ["cat", "zebra"], Targets = ["zebra", "cat"] }, "Succeeded", image);

        var grid = Grid(run);

        Assert.Equal(["Plain CLIP", "Surgery", "Single label", "SAM mask"], Columns(grid));
        Assert.Equal(["zebra", "cat"], Rows(grid));
        var cat = grid.Find("[data-testid=result-row][data-label=cat]");
        Assert.Equal(["plain", "cs", "single", "sam"], cat.QuerySelectorAll("[data-testid=result-tile]").Select(t => t.GetAttribute("data-column")));
        // SAM's tile shows the overlay and offers the bare mask beside it.
        var overlay = image.Files.Single(f => f.Kind == "overlay");
        var mask = image.Files.Single(f => f.Kind == "mask");
        Assert.Equal(overlay.Url, cat.QuerySelector("img[data-testid=mask-img]")!.GetAttribute("src"));
        Assert.Contains(mask.DownloadUrl, cat.QuerySelectorAll("a").Select(a => a.GetAttribute("href")));
        // zebra has no mask: an empty cell keeps the columns aligned.
        var zebra = grid.Find("[data-testid=result-row][data-label=zebra]");
        Assert.Equal(3, zebra.QuerySelectorAll("[data-testid=result-tile]").Length);
        Assert.Single(zebra.QuerySelectorAll(".result-tile-empty"));
    }

    [Fact]
    public void Only_the_methods_that_occur_in_the_run_are_columns_and_non_image_files_are_links()
    {
        var image = Image("cat.png", [.. Maps(["cat", "dog"], MapMethod.Surgery), Other("maps.safetensors")]);

        var grid = Grid(Finished(["cat", "dog"], image));

        Assert.Equal(["Surgery"], Columns(grid));
        Assert.Equal(["cat", "dog"], Rows(grid));
        Assert.Equal(2, grid.FindAll("img[data-testid=heatmap-img][data-mode=cs]").Count);
        var links = grid.Find("[data-testid=image-downloads]").QuerySelectorAll("a");
        Assert.Equal("maps.safetensors", Assert.Single(links).TextContent);
        Assert.Equal(image.Files.Single(f => f.Kind == "maps").DownloadUrl, links[0].GetAttribute("href"));
    }

    [Fact]
    public void A_label_heading_is_the_label_as_typed_escaped_and_wraps_never_the_file_safe_name()
    {
        const string typed = "<b>tall</b> \"potted\" plant & a_very_long_label_without_spaces_that_must_wrap_inside_its_card";
        var grid = Grid(Finished([typed], Image("plant.png", Maps([typed], MapMethod.Surgery))));

        var heading = grid.Find("[data-testid=result-label]");
        Assert.Equal(typed, heading.TextContent);
        Assert.Contains("result-label", heading.ClassList);
        Assert.Empty(heading.QuerySelectorAll("b"));
        Assert.Contains("&lt;b&gt;tall&lt;/b&gt;", heading.InnerHtml);
        Assert.DoesNotContain(Safe(typed), grid.Find(".result-table").TextContent);
    }

    [Fact]
    public void The_label_filter_searches_and_picks_chips_over_all_images()
    {
        string[] labels = ["cat", "dog", "horse", "person"];
        var run = Finished(labels, Image("a.png", Maps(labels, MapMethod.Surgery, MapMethod.Plain)), Image("b.png", Maps(labels, MapMethod.Surgery, MapMethod.Plain)));
        var grid = Grid(run);

        grid.Find("input[data-testid=label-search]").Input("O");
        Assert.Equal(["dog", "horse", "person"], Rows(grid, 0));
        Assert.Equal(["dog", "horse", "person"], Rows(grid, 1));
        Assert.Equal(["dog", "horse", "person"], grid.FindAll("[data-testid=label-chip]").Select(c => c.TextContent.Trim()));

        grid.Find("input[data-testid=label-search]").Input("");
        ClickChip(grid, "cat");
        ClickChip(grid, "person");
        Assert.Equal(["cat", "person"], Rows(grid, 0));
        Assert.Equal(["cat", "person"], Rows(grid, 1));
        Assert.Equal(8, grid.FindAll("img[data-testid=heatmap-img]").Count);
        Assert.Equal(["cat", "person"], grid.FindAll("[data-testid=label-chip][data-selected=true]").Select(c => c.TextContent.Trim()));

        ClickChip(grid, "cat");
        Assert.Equal(["person"], Rows(grid, 0));
        grid.Find("[data-testid=label-filter-clear]").Click();
        Assert.Equal(labels, Rows(grid, 1));
    }

    [Fact]
    public void A_filter_that_matches_nothing_says_so()
    {
        var grid = Grid(Finished(["cat"], Image("a.png", Maps(["cat"], MapMethod.Surgery))));

        grid.Find("input[data-testid=label-search]").Input("zebra");

        Assert.Empty(grid.FindAll("[data-testid=result-tile]"));
        Assert.Equal("No target or method matches the filter.", grid.Find("[data-testid=no-match]").TextContent);
    }

    [Fact]
    public void The_method_toggles_hide_and_show_a_column_in_every_image()
    {
        var run = Finished(["cat", "dog"], Image("a.png", Maps(["cat", "dog"], ThreeMethods)), Image("b.png", Maps(["cat", "dog"], ThreeMethods)));
        var grid = Grid(run);

        grid.Find("[data-testid=method-toggle-plain]").Click();

        Assert.Equal("false", grid.Find("[data-testid=method-toggle-plain]").GetAttribute("data-on"));
        Assert.Empty(grid.FindAll("img[data-testid=heatmap-img][data-mode=plain]"));
        Assert.Equal(4, grid.FindAll("img[data-testid=heatmap-img][data-mode=cs]").Count);
        Assert.Equal(["Surgery", "Single label"], Columns(grid));

        grid.Find("[data-testid=method-toggle-plain]").Click();
        Assert.Equal(4, grid.FindAll("img[data-testid=heatmap-img][data-mode=plain]").Count);
        Assert.Equal(["Plain CLIP", "Surgery", "Single label"], Columns(grid));
    }

    [Fact]
    public void A_59_label_run_on_4_images_renders_a_page_of_targets_per_open_image_not_708_tiles()
    {
        var labels = Enumerable.Range(1, 59).Select(i => $"label {i:00}").ToList();
        var images = Enumerable.Range(1, 4).Select(i => Image($"img{i}.png", Maps(labels, ThreeMethods))).ToArray();
        var grid = Grid(Finished(labels, images));

        // Three images open with 12 targets × 3 methods each; the fourth starts collapsed.
        Assert.Equal(3 * 12 * 3, grid.FindAll("[data-testid=result-tile]").Count);
        var cards = grid.FindAll("[data-testid=gallery-image]");
        Assert.Equal(["true", "true", "true", "false"], cards.Select(c => c.GetAttribute("data-expanded")));
        Assert.Contains("12 of 59 targets", cards[0].QuerySelector("[data-testid=result-pager]")!.TextContent);
        Assert.Equal(labels.Take(12), Rows(grid, 0));

        grid.FindAll("[data-testid=show-more]")[0].Click();
        Assert.Equal(24, Rows(grid, 0).Count);
        Assert.Equal(labels.Skip(12).Take(12), Rows(grid, 0).Skip(12));

        grid.FindAll("[data-testid=image-toggle]")[3].Click();
        Assert.Equal("true", grid.FindAll("[data-testid=gallery-image]")[3].GetAttribute("data-expanded"));
        Assert.Equal((24 + 12 + 12 + 12) * 3, grid.FindAll("[data-testid=result-tile]").Count);

        grid.FindAll("[data-testid=image-toggle]")[0].Click();
        Assert.Equal((12 + 12 + 12) * 3, grid.FindAll("[data-testid=result-tile]").Count);
    }

    [Fact]
    public void A_live_reload_of_the_run_keeps_the_filters_paging_and_collapsed_images()
    {
        string[] labels = ["cat", "dog"];
        var first = Finished(labels, Image("a.png", Maps(["cat"], MapMethod.Surgery)), Image("b.png", []));
        var grid = Grid(first);
        grid.Find("input[data-testid=label-search]").Input("do");
        grid.FindAll("[data-testid=image-toggle]")[1].Click();

        // The page reloads the RunView when a map is written: a new object with one more file.
        var a = first.Images[0] with { Files = [.. first.Images[0].Files, Heatmap(MapMethod.Surgery, "dog")] };
        grid.Render(p => p.Add(g => g.Run, first with { Images = [a, first.Images[1]] }));

        Assert.Equal(["dog"], Rows(grid, 0));
        Assert.Equal("false", grid.FindAll("[data-testid=gallery-image]")[1].GetAttribute("data-expanded"));
        Assert.Equal("do", grid.Find("input[data-testid=label-search]").GetAttribute("value"));
    }

    [Fact]
    public void Label_scores_rank_the_top_ten_as_percentages_and_show_all_on_request()
    {
        var scores = Enumerable.Range(1, 15).Select(i => new LabelScore($"label {i}", i / 120f, 0.2f + i / 100f)).Reverse().ToList();
        // Stored order is not trusted: the component ranks them.
        var shuffled = scores.OrderBy(s => s.Label.GetHashCode(StringComparison.Ordinal)).ToList();
        var image = Image("a.png", Maps(["label 1"], MapMethod.Surgery), shuffled);
        var grid = Grid(Finished(["label 1"], image, Image("b.png", Maps(["label 1"], MapMethod.Surgery))));

        var panels = grid.FindAll("[data-testid=label-scores]");
        var panel = Assert.Single(panels);
        var rows = panel.QuerySelectorAll("[data-testid=label-score]");
        Assert.Equal(10, rows.Length);
        Assert.Equal(Enumerable.Range(6, 10).Reverse().Select(i => $"label {i}"), rows.Select(r => r.QuerySelector(".label-score-name")!.TextContent));
        Assert.Equal("12.5%", rows[0].QuerySelector("[data-testid=label-score-value]")!.TextContent);
        Assert.Contains("width:12.5%", rows[0].QuerySelector(".label-score-bar > div")!.GetAttribute("style"));

        grid.Find("[data-testid=label-scores-toggle]").Click();
        Assert.Equal(15, grid.FindAll("[data-testid=label-score]").Count);
        Assert.Equal("0.8%", grid.FindAll("[data-testid=label-score-value]")[14].TextContent);
    }

    [Fact]
    public void Prompt_sam_is_offered_on_finished_images_only_when_a_sam_model_is_installed()
    {
        var done = Image("a.png", Maps(["cat"], MapMethod.Surgery));
        var failed = Image("b.png", [], status: "Failed");
        var finished = Finished(["cat"], done, failed);

        Assert.Empty(Grid(finished).FindAll("[data-testid=sam-link]"));

        File.WriteAllBytes(Path.Combine(Root, "models", "sam_vit_b.pt"), [(byte)'P', (byte)'K', 0]);
        var grid = Grid(finished);
        var link = Assert.Single(grid.FindAll("[data-testid=sam-link]"));
        Assert.Equal($"/runs/{finished.Id}/sam/{done.Id}", link.GetAttribute("href"));
        Assert.Equal("Prompt SAM", link.TextContent.Trim());

        var running = Run(finished.Settings, "Running", done with { Status = "Running" });
        Assert.Empty(Grid(running).FindAll("[data-testid=sam-link]"));
    }

    [Fact]
    public void The_opacity_slider_sits_in_the_grid_and_sets_every_tiles_opacity()
    {
        var grid = Render<ResultGrid>(p => p.Add(g => g.Run, Finished(["cat", "dog"], Image("a.png", Maps(["cat", "dog"], MapMethod.Surgery))))
            .Add(g => g.Opacity, 0.7));

        var slider = grid.Find("[data-testid=result-grid] input[type=range][data-testid=opacity-slider], [data-testid=result-grid] [data-testid=opacity-slider] input[type=range]");
        slider.Input("0.25");

        Assert.All(grid.FindAll("img[data-testid=heatmap-img]"), h => Assert.Contains("opacity:0.25", h.GetAttribute("style")));
    }

    private static void ClickChip(IRenderedComponent<ResultGrid> grid, string label) =>
        grid.FindAll("[data-testid=label-chip]").Single(c => c.TextContent.Trim() == label).Click();
}
