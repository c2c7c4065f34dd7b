using Bunit;
using ClipSurgeryWeb.Engine.Labelling;
using ClipSurgeryWeb.Engine.Methods;
using ClipSurgeryWeb.Jobs.Engine;
using ClipSurgeryWeb.Jobs.Running;
using ClipSurgeryWeb.Tests.Fakes;
using ClipSurgeryWeb.Web.Components.Pages.Explain;
using ClipSurgeryWeb.Web.Components.Shared;
using ClipSurgeryWeb.Web.Services;
using ClipSurgeryWeb.Web.State;
using ClipSurgeryWeb.Web.Tests.Support;
using Microsoft.AspNetCore.Components.Forms;
using Microsoft.Extensions.DependencyInjection;

namespace ClipSurgeryWeb.Web.Tests.Components;

/// <summary>
/// Methods side by side on the Explain page: the picker groups the registry's methods (CLIP Surgery's, the training-free
/// dense ones) and disables the dense ones on a ResNet with the reason; the results grid shows each image's label maps,
/// one tile per method with the classes' pixel shares, opening in the tile viewer.
/// </summary>
public sealed class LabelMapComponentTests : ComponentTestContext
{
    private const string ResNet = "RN50";

    public LabelMapComponentTests()
    {
        File.WriteAllBytes(Path.Combine(Root, "models", ResNet + ".pt"), [(byte)'P', (byte)'K', 0]);
        Services.AddSingleton<IClipEngine>(new TowerKnowingEngine(new FakeClipEngine(), ResNet));
        // Two models installed: the page asks the member's last run which one to preselect.
        EnsureDatabase();
    }

    private static IReadOnlyList<string> CheckboxesOf(IRenderedComponent<Explain> page, string picker, string group) =>
        page.FindAll($"[data-testid={picker}-picker] [data-testid=method-group][data-group={group}] [data-disabled]")
            .Select(c => c.GetAttribute("data-testid")!).ToList();

    [Fact]
    public void The_heatmap_picker_groups_every_registered_method_and_the_label_map_picker_offers_those_that_draw_label_maps()
    {
        var page = Render<Explain>();
        page.InvokeAsync(() => Services.GetRequiredService<ExplainState>().SetModel("clip_only_jit"));

        page.WaitForAssertion(() => Assert.Empty(page.FindAll("[data-disabled=true]")));
        Assert.Equal(["CLIP Surgery", "Training-free dense methods"],
            page.FindAll("[data-testid=mode-picker] [data-testid=method-group-title]").Select(t => t.TextContent));
        Assert.Equal(MapMethods.All.Where(m => m is not DenseMethod).Select(m => $"mode-{m.Method.Name}"), CheckboxesOf(page, "mode", "surgery"));
        Assert.Equal(MapMethods.All.OfType<DenseMethod>().Select(m => $"mode-{m.Method.Name}"), CheckboxesOf(page, "mode", "dense"));
        Assert.Equal(["label-method-cs"], CheckboxesOf(page, "label-method", "surgery"));
        Assert.Equal(DenseMethod.All.Select(m => $"label-method-{m.Method.Name}"), CheckboxesOf(page, "label-method", "dense"));
        // Label maps are asked for by ticking a method: until then their options stay folded away.
        Assert.Empty(page.FindAll("[data-testid=classes-input]"));
    }

    [Fact]
    public void On_a_ResNet_the_dense_methods_are_disabled_with_the_reason_and_unticked()
    {
        var page = Render<Explain>();
        var state = Services.GetRequiredService<ExplainState>();
        state.SetModel("clip_only_jit");
        state.ToggleMode(DenseMethod.Sclip.Method, true);
        state.SetLabelMaps(new LabelMapChoice([MapMethod.Surgery, DenseMethod.Naclip.Method], Pamr: true));

        page.InvokeAsync(() => state.SetModel(ResNet));

        page.WaitForAssertion(() => Assert.Equal("true", page.Find("[data-testid=mode-sclip]").GetAttribute("data-disabled")));
        foreach (var method in DenseMethod.All)
        {
            Assert.Equal("true", page.Find($"[data-testid=mode-{method.Method.Name}]").GetAttribute("data-disabled"));
            Assert.Equal("true", page.Find($"[data-testid=label-method-{method.Method.Name}]").GetAttribute("data-disabled"));
        }
        Assert.True(page.Find("[data-testid=mode-sclip]").HasAttribute("disabled"));
        Assert.False(page.Find("[data-testid=mode-cs]").HasAttribute("disabled"));
        Assert.Equal("false", page.Find("[data-testid=mode-cs]").GetAttribute("data-disabled"));
        Assert.Equal("false", page.Find("[data-testid=label-method-cs]").GetAttribute("data-disabled"));
        var reasons = page.FindAll("[data-testid=method-group-reason]").Select(r => r.TextContent).ToList();
        Assert.Equal(2, reasons.Count);
        Assert.All(reasons, r => Assert.Contains($"needs a ViT CLIP (it reads the last attention block's tokens); {ResNet} is a ResNet", r));
        Assert.DoesNotContain(DenseMethod.Sclip.Method, state.Modes);
        Assert.Equal([MapMethod.Surgery], state.LabelMaps.Methods);
        Assert.False(state.LabelMaps.Pamr);
    }

    [Fact]
    public void Ticking_a_label_method_opens_its_options_and_PAMR_is_offered_with_NACLIP_only()
    {
        var page = Render<Explain>();
        var state = Services.GetRequiredService<ExplainState>();

        page.InvokeAsync(() => state.SetModel("clip_only_jit"));
        page.WaitForAssertion(() => Assert.False(page.Find("[data-testid=label-method-sclip]").HasAttribute("disabled")));

        page.Find("[data-testid=label-method-sclip]").Change(true);
        page.WaitForAssertion(() => Assert.NotNull(page.Find("[data-testid=classes-input]")));
        Assert.Equal([DenseMethod.Sclip.Method], state.LabelMaps.Methods);
        Assert.Empty(page.FindAll("[data-testid=pamr-switch]"));
        Assert.Empty(page.FindAll("[data-testid=threshold-input]"));

        page.Find("[data-testid=label-method-naclip]").Change(true);
        page.WaitForAssertion(() => Assert.NotNull(page.Find("[data-testid=pamr-switch]")));
        Assert.Equal([DenseMethod.Sclip.Method, DenseMethod.Naclip.Method], state.LabelMaps.Methods);
        page.InvokeAsync(() => state.SetLabelMaps(state.LabelMaps with { Background = true, Pamr = true }));
        page.WaitForAssertion(() => Assert.NotNull(page.Find("[data-testid=threshold-input]")));

        // Unticking NACLIP takes PAMR with it: a hidden switch must not refuse the run.
        page.Find("[data-testid=label-method-naclip]").Change(false);
        page.WaitForAssertion(() => Assert.Empty(page.FindAll("[data-testid=pamr-switch]")));
        Assert.False(state.LabelMaps.Pamr);
        Assert.Equal([DenseMethod.Sclip.Method], state.LabelMaps.Methods);
    }

    [Fact]
    public async Task The_label_map_choice_reaches_the_launcher_which_refuses_a_class_named_twice_with_the_reason()
    {
        var page = Render<Explain>();
        var state = Services.GetRequiredService<ExplainState>();
        page.FindComponent<InputFile>().UploadFiles(InputFileContent.CreateFromBinary(TestImages.Png(), "cat.png", contentType: "image/png"));
        page.WaitForAssertion(() => Assert.Single(page.FindAll("[data-testid=upload-thumb]")));
        await page.InvokeAsync(() =>
        {
            state.AddLabels("cat, sofa");
            state.SetLabelMaps(new LabelMapChoice([MapMethod.Surgery], ["cat, kitty", "kitty"]));
        });

        page.Find("[data-testid=run-button]").Click();

        page.WaitForAssertion(() => Assert.Equal("classes: 'kitty' is named twice (each name is one class's query)",
            page.Find("[data-testid=error]").TextContent.Trim()));
        Assert.Null(state.Run);
    }

    [Fact]
    public void Dense_methods_heatmaps_are_columns_named_by_their_display_names_beside_CLIP_Surgerys()
    {
        var methods = new[] { MapMethod.Surgery, MapMethod.Plain }.Concat(MapMethods.All.OfType<DenseMethod>().Select(m => m.Method)).ToArray();
        var run = ResultRuns.Finished(["cat"], ResultRuns.Image("cat.png", ResultRuns.Maps(["cat"], methods)));

        var grid = Render<ResultGrid>(p => p.Add(g => g.Run, run));

        // Plain CLIP first (the contrast), then the registry's order.
        var expected = methods.OrderBy(m => m == MapMethod.Plain ? -1 : MapMethods.Order(m)).ToList();
        Assert.Equal(expected.Select(m => m.DisplayName), grid.FindAll("[data-testid=result-column]").Select(c => c.TextContent));
        Assert.Equal(expected.Select(m => m.Name), grid.FindAll("img[data-testid=heatmap-img]").Select(i => i.GetAttribute("data-mode")));
        Assert.Contains(DenseMethod.Naclip.DisplayName, grid.FindAll("[data-testid=result-column]").Select(c => c.TextContent));
    }

    private static FileView LabelFile(string kind, MapMethod method, IReadOnlyList<ClassShare>? shares = null)
    {
        var id = Guid.NewGuid();
        var name = kind == ResultKinds.LabelMap ? $"labels_{method.Name}.png" : $"labelmap_{method.Name}.png";
        return new FileView(id, name, kind, method, null, Urls.File(id), Urls.Download(id), Shares: shares);
    }

    private static IReadOnlyList<ClassShare> Shares(params double[] shares) =>
        shares.Select((s, i) => new ClassShare(i, new[] { "background", "cat", "sofa", "sky", "grass", "road", "tree" }[i], s)).ToList();

    [Fact]
    public void Each_images_label_maps_are_tiles_per_method_with_the_largest_class_shares_and_open_in_the_viewer()
    {
        var naclip = DenseMethod.Naclip.Method;
        var files = ResultRuns.Maps(["cat", "sofa"], MapMethod.Surgery, naclip)
            .Append(LabelFile(ResultKinds.LabelMap, naclip, Shares(0.05, 0.40, 0.25, 0.10, 0.08, 0.07, 0.05)))
            .Append(LabelFile(ResultKinds.LabelIds, naclip))
            .Append(LabelFile(ResultKinds.LabelMap, MapMethod.Surgery, Shares(0, 0.75, 0.25, 0, 0, 0, 0)))
            .Append(LabelFile(ResultKinds.LabelIds, MapMethod.Surgery))
            .Append(ResultRuns.Other("labels.safetensors"))
            .ToList();
        var run = ResultRuns.Finished(["cat", "sofa"], ResultRuns.Image("cat.png", files));

        var grid = Render<ResultGrid>(p => p.Add(g => g.Run, run));

        // Heatmaps stay in their rows and columns; the label maps are their own row, in drawing order.
        Assert.Equal(4, grid.FindAll("img[data-testid=heatmap-img]").Count);
        var tiles = grid.FindAll("[data-testid=label-map-tile]");
        Assert.Equal(["cs", "naclip"], tiles.Select(t => t.GetAttribute("data-method")));
        Assert.Equal(["Surgery", "NACLIP"], grid.FindAll("[data-testid=label-map-method]").Select(t => t.TextContent));
        var naclipTile = tiles[1];
        Assert.Equal(files[4].Url, naclipTile.QuerySelector("img[data-testid=label-map-img]")!.GetAttribute("src"));
        var shares = naclipTile.QuerySelectorAll("[data-testid=label-share]");
        Assert.Equal(["cat", "sofa", "sky", "grass", "road"], shares.Select(s => s.GetAttribute("data-class")));
        Assert.Equal("40.0 %", shares[0].QuerySelector(".label-share-value")!.TextContent);
        Assert.Equal("other classes 10.0 %", naclipTile.QuerySelector("[data-testid=label-share-rest]")!.TextContent);
        Assert.Equal(files[5].DownloadUrl, naclipTile.QuerySelector("[data-testid=label-ids-download]")!.GetAttribute("href"));
        // CLIP Surgery's map has two classes: classes with no pixel are not listed, and nothing is left over.
        Assert.Equal(["cat", "sofa"], tiles[0].QuerySelectorAll("[data-testid=label-share]").Select(s => s.GetAttribute("data-class")));
        Assert.Null(tiles[0].QuerySelector("[data-testid=label-share-rest]"));
        Assert.Contains("labels.safetensors", grid.Find("[data-testid=image-downloads]").TextContent);

        naclipTile.QuerySelector("[data-testid=label-map-open]")!.Click();
        var viewer = grid.Find("[data-testid=tile-viewer]");
        Assert.Equal("labels-naclip", viewer.GetAttribute("data-column"));
        Assert.Equal(files[4].Url, grid.Find("[data-testid=viewer-overlay]").GetAttribute("src"));
        Assert.StartsWith("NACLIP label map", grid.Find("[data-testid=viewer-method]").TextContent);
        grid.Find("[data-testid=viewer-previous-method]").Click();
        Assert.Equal("labels-cs", grid.Find("[data-testid=tile-viewer]").GetAttribute("data-column"));
        grid.Find("[data-testid=viewer-close]").Click();
        Assert.Empty(grid.FindAll("[data-testid=tile-viewer]"));
    }
}
