using Bunit;
using ClipSurgeryWeb.Engine.Maps;
using ClipSurgeryWeb.Engine.Methods;
using ClipSurgeryWeb.Web.Components.Shared;
using ClipSurgeryWeb.Web.Services;
using Microsoft.AspNetCore.Components.Web;
using static ClipSurgeryWeb.Web.Tests.Components.ResultRuns;

namespace ClipSurgeryWeb.Web.Tests.Components;

/// <summary>The tile viewer: a click on a tile opens it; arrows walk methods and targets; the colour bar says what 0 and 1 are.</summary>
public sealed class TileViewerTests : ComponentTestContext
{
    private static readonly MapMethod[] ThreeMethods = [MapMethod.Surgery, MapMethod.Plain, MapMethod.Single];

    private IRenderedComponent<ResultGrid> Grid(RunView run) => Render<ResultGrid>(p => p.Add(g => g.Run, run));

    private static void OpenTile(IRenderedComponent<ResultGrid> grid, string label, string column) =>
        grid.Find($"[data-testid=result-tile][data-label='{label}'][data-column={column}]").Click();

    private static (string? Label, string? Column) Showing(IRenderedComponent<ResultGrid> grid)
    {
        var viewer = grid.Find("[data-testid=tile-viewer]");
        return (viewer.GetAttribute("data-label"), viewer.GetAttribute("data-column"));
    }

    private static void Key(IRenderedComponent<ResultGrid> grid, string key) =>
        grid.Find("[data-testid=tile-viewer]").KeyDown(new KeyboardEventArgs { Key = key });

    [Fact]
    public void Clicking_a_tile_opens_it_full_size_over_the_original_image_with_its_download()
    {
        var image = Image("cat.png", Maps(["cat", "dog"], MapMethod.Surgery, MapMethod.Plain));
        var grid = Grid(Finished(["cat", "dog"], image));
        Assert.Empty(grid.FindAll("[data-testid=tile-viewer]"));

        OpenTile(grid, "dog", "cs");

        var file = image.Files.Single(f => f.Label == "dog" && f.Mode == MapMethod.Surgery);
        Assert.Equal(("dog", "cs"), Showing(grid));
        Assert.Equal("dog", grid.Find("[data-testid=viewer-label]").TextContent);
        Assert.Equal("Surgery · cat.png", grid.Find("[data-testid=viewer-method]").TextContent);
        Assert.Equal(file.Url, grid.Find("[data-testid=viewer-overlay]").GetAttribute("src"));
        Assert.Equal(image.ImageUrl, grid.Find("[data-testid=viewer-image]").GetAttribute("src"));
        Assert.Equal(file.DownloadUrl, grid.Find("[data-testid=viewer-download]").GetAttribute("href"));
    }

    [Fact]
    public void The_before_after_split_clips_the_map_and_the_opacity_fades_it()
    {
        var grid = Render<ResultGrid>(p => p.Add(g => g.Run, Finished(["cat"], Image("cat.png", Maps(["cat"], MapMethod.Surgery))))
            .Add(g => g.Opacity, 0.6));
        OpenTile(grid, "cat", "cs");
        var overlay = () => grid.Find("[data-testid=viewer-overlay]").GetAttribute("style") ?? "";
        Assert.Contains("opacity:0.6", overlay());
        Assert.Contains("clip-path:inset(0 50% 0 0)", overlay());

        grid.Find("[data-testid=viewer-split]").Input("30");
        grid.Find("[data-testid=viewer-opacity]").Input("40");

        Assert.Contains("clip-path:inset(0 70% 0 0)", overlay());
        Assert.Contains("opacity:0.4", overlay());
    }

    [Fact]
    public void The_colour_bar_names_the_maps_min_and_max_similarity_when_known()
    {
        var image = Image("cat.png", [Heatmap(MapMethod.Surgery, "cat", new MapRange(0.1234f, 0.3456f)), Heatmap(MapMethod.Plain, "cat"), Sam("overlay", "cat")]);
        var grid = Grid(Finished(["cat"], image));

        OpenTile(grid, "cat", "cs");
        Assert.Equal("0 = min similarity of this map (0.1234)", grid.Find("[data-testid=colour-bar-min]").TextContent);
        Assert.Equal("1 = max (0.3456)", grid.Find("[data-testid=colour-bar-max]").TextContent);

        Key(grid, "ArrowLeft");
        Assert.Equal(("cat", "plain"), Showing(grid));
        Assert.Equal("0 = min of this map", grid.Find("[data-testid=colour-bar-min]").TextContent);
        Assert.Equal("1 = max of this map", grid.Find("[data-testid=colour-bar-max]").TextContent);

        // A mask is not a heatmap: no scale.
        Key(grid, "ArrowRight");
        Key(grid, "ArrowRight");
        Assert.Equal(("cat", "sam"), Showing(grid));
        Assert.Empty(grid.FindAll("[data-testid=colour-bar]"));
    }

    [Fact]
    public void The_colour_bar_is_opencvs_jet_from_dark_blue_through_green_to_dark_red()
    {
        var gradient = ColourBar.Gradient;

        // COLORMAP_JET's ends and middle (entries 0, 128, 255), as RGB.
        Assert.StartsWith("linear-gradient(to right, rgb(0,0,128) 0%, ", gradient);
        Assert.Contains("rgb(130,255,126) 50.2%", gradient);
        Assert.EndsWith(", rgb(128,0,0) 100%)", gradient);
        Assert.Equal(33, gradient.Split("rgb(").Length - 1);
    }

    [Fact]
    public void Arrow_keys_walk_the_methods_and_targets_and_stop_at_the_edges()
    {
        string[] labels = ["cat", "dog", "horse"];
        var grid = Grid(Finished(labels, Image("a.png", Maps(labels, ThreeMethods))));
        OpenTile(grid, "cat", "plain");

        Key(grid, "ArrowRight");
        Assert.Equal(("cat", "cs"), Showing(grid));
        Key(grid, "ArrowRight");
        Key(grid, "ArrowRight");
        Assert.Equal(("cat", "single"), Showing(grid));
        Key(grid, "ArrowDown");
        Assert.Equal(("dog", "single"), Showing(grid));
        Key(grid, "ArrowDown");
        Key(grid, "ArrowDown");
        Assert.Equal(("horse", "single"), Showing(grid));
        Key(grid, "ArrowUp");
        Key(grid, "ArrowLeft");
        Assert.Equal(("dog", "cs"), Showing(grid));
        Key(grid, "ArrowLeft");
        Key(grid, "ArrowLeft");
        Assert.Equal(("dog", "plain"), Showing(grid));
    }

    [Fact]
    public void Arrows_follow_the_filters_skipping_hidden_methods_and_targets()
    {
        string[] labels = ["cat", "dog", "horse"];
        var grid = Grid(Finished(labels, Image("a.png", Maps(labels, ThreeMethods))));
        grid.Find("[data-testid=method-toggle-cs]").Click();
        grid.FindAll("[data-testid=label-chip]").Single(c => c.TextContent.Trim() == "cat").Click();
        grid.FindAll("[data-testid=label-chip]").Single(c => c.TextContent.Trim() == "horse").Click();
        OpenTile(grid, "cat", "plain");

        Key(grid, "ArrowRight");
        Assert.Equal(("cat", "single"), Showing(grid));
        Key(grid, "ArrowDown");
        Assert.Equal(("horse", "single"), Showing(grid));
    }

    [Fact]
    public void Down_past_the_page_opens_the_next_page_of_the_grid_behind()
    {
        var labels = Enumerable.Range(1, 14).Select(i => $"label {i:00}").ToList();
        var grid = Grid(Finished(labels, Image("a.png", Maps(labels, MapMethod.Surgery))));
        OpenTile(grid, "label 12", "cs");

        Key(grid, "ArrowDown");

        Assert.Equal(("label 13", "cs"), Showing(grid));
        Assert.Equal(14, grid.FindAll("[data-testid=result-row]").Count);
    }

    [Fact]
    public void Escape_and_the_close_button_close_the_viewer()
    {
        var grid = Grid(Finished(["cat"], Image("a.png", Maps(["cat"], MapMethod.Surgery))));
        OpenTile(grid, "cat", "cs");

        Key(grid, "Escape");
        Assert.Empty(grid.FindAll("[data-testid=tile-viewer]"));

        OpenTile(grid, "cat", "cs");
        grid.Find("[data-testid=viewer-close]").Click();
        Assert.Empty(grid.FindAll("[data-testid=tile-viewer]"));
    }
}
