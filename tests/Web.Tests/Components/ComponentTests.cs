using ClipSurgeryWeb.Engine.Methods;
using Bunit;
using ClipSurgeryWeb.Data;
using ClipSurgeryWeb.Web.Components.Pages.Explain;
using ClipSurgeryWeb.Web.Components.Shared;
using ClipSurgeryWeb.Web.Services;
using ClipSurgeryWeb.Web.State;
using Microsoft.AspNetCore.Components.Forms;
using Microsoft.AspNetCore.Components.Web;
using ClipSurgeryWeb.Web.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace ClipSurgeryWeb.Web.Tests.Components;

public sealed class ComponentTests : ComponentTestContext
{
    private static RunView Run(params RunImageView[] images) => new(
        Guid.NewGuid(), "Opinions", "CompletedWithErrors", "member-1", "member@example.com", true, DateTime.UtcNow.AddMinutes(-1),
        DateTime.UtcNow.AddMinutes(-1), DateTime.UtcNow, "1 of 2 images failed", new RunSettings { ModelName = "clip_only_jit" }, null, null,
        images);

    private static RunImageView Image(string name, string status, string? error = null, params FileView[] files) => new(
        Guid.NewGuid(), Guid.NewGuid(), name, "/api/images/x", status, null, status == "Done" ? 1 : 0.3, null, null, error, files, []);

    [Fact]
    public void The_drop_zone_states_the_engines_accepted_types_and_the_servers_limits_and_takes_many_files()
    {
        var zone = Render<ImageDropZone>(p => p.Add(z => z.OnFiles, _ => { }));

        // The context's server settings: 100,000 bytes per file, the default 50 files per upload.
        Assert.Equal("PNG, JPEG, WebP, BMP or GIF; up to 97.7 KB each, 50 at a time", zone.Find("[data-testid=upload-limits]").TextContent);
        var input = zone.Find("input[type=file][data-testid=upload-input]");
        Assert.True(input.HasAttribute("multiple"));
        Assert.Equal("image/png,image/jpeg,image/webp,image/bmp,image/gif,.png,.jpg,.jpeg,.webp,.bmp,.gif", input.GetAttribute("accept"));
    }

    [Fact]
    public void Run_progress_shows_each_failed_images_reason_and_offers_retry()
    {
        var run = Run(Image("good.png", "Done"), Image("bad.png", "Failed", "image: cannot be decoded"));

        var progress = Render<RunProgress>(p => p.Add(r => r.Run, run).Add(r => r.OnRetry, _ => { }).Add(r => r.OnCancel, _ => { }));

        Assert.Equal("image: cannot be decoded", progress.Find("[data-testid=image-error]").TextContent);
        Assert.Equal("1 of 2 images done, 1 failed", progress.Find("[data-testid=run-summary]").TextContent);
        // Finished: the bar shows the share done (a failed image is not progress), coloured by how the run ended.
        Assert.Equal("50", progress.Find("[data-testid=job-progress]").GetAttribute("data-value"));
        Assert.Equal("Warning", progress.Find("[data-testid=job-progress]").GetAttribute("data-colour"));
        Assert.NotNull(progress.Find("[data-testid=retry-button]"));
        Assert.Empty(progress.FindAll("[data-testid=cancel-button]"));
    }

    [Fact]
    public void Heatmaps_are_shown_as_urls_to_the_file_endpoint_clip_beside_surgery_never_inline_data()
    {
        var plain = new FileView(Guid.NewGuid(), "plain_cat.png", "heatmap", MapMethod.Plain, "cat", "/api/files/1", "/api/files/1?download=true");
        var surgery = new FileView(Guid.NewGuid(), "cs_cat.png", "heatmap", MapMethod.Surgery, "cat", "/api/files/2", "/api/files/2?download=true");
        var run = Run(Image("cat.png", "Done", null, surgery, plain));

        var gallery = Render<ResultGrid>(p => p.Add(g => g.Run, run).Add(g => g.Opacity, 0.4));

        var heatmaps = gallery.FindAll("img[data-testid=heatmap-img]");
        Assert.Equal(["/api/files/1", "/api/files/2"], heatmaps.Select(h => h.GetAttribute("src")));
        Assert.Equal(["plain", "cs"], heatmaps.Select(h => h.GetAttribute("data-mode")));
        Assert.All(heatmaps, h => Assert.Contains("opacity:0.4", h.GetAttribute("style")));
        Assert.DoesNotContain("data:image", gallery.Markup);
    }

    [Fact]
    public void Explain_preselects_the_only_installed_model_and_enter_adds_comma_separated_labels()
    {
        var page = Render<Explain>();

        Assert.Equal("clip_only_jit", Services.GetRequiredService<ExplainState>().Model);
        var labels = page.Find("input[data-testid=labels-input]");
        labels.Input("Cat, potted plant ,dog");
        labels.KeyDown(new KeyboardEventArgs { Key = "Enter" });

        var chips = page.Find("[data-testid=label-chips]").TextContent;
        Assert.Contains("cat", chips);
        Assert.Contains("potted plant", chips);
        Assert.Contains("dog", chips);
        Assert.Equal(["cat", "potted plant", "dog"], Services.GetRequiredService<ExplainState>().Labels);
    }

    [Fact]
    public async Task Uploads_that_are_too_large_or_not_images_are_refused_by_name_and_good_ones_get_thumbnails()
    {
        EnsureDatabase();
        var page = Render<Explain>();

        page.FindComponent<InputFile>().UploadFiles(
            InputFileContent.CreateFromBinary(new byte[150_000], "huge.png", contentType: "image/png"),
            InputFileContent.CreateFromText("hello", "notes.txt", contentType: "text/plain"),
            InputFileContent.CreateFromBinary(TestImages.Png(), "cat.png", contentType: "image/png"));

        page.WaitForAssertion(() => Assert.Single(page.FindAll("[data-testid=upload-thumb]")));
        Assert.Equal(
            ["huge.png: 146.5 KB is over the 97.7 KB limit", "notes.txt: not a readable image: its content is none of the accepted types (PNG, JPEG, WebP, BMP, GIF)"],
            page.FindAll("[data-testid=error]").Select(e => e.TextContent.Trim()));
        Assert.StartsWith("/api/images/", page.Find("[data-testid=upload-thumb]").GetAttribute("src"));
        await using var db = await Services.GetRequiredService<Microsoft.EntityFrameworkCore.IDbContextFactory<ClipSurgeryDb>>().CreateDbContextAsync();
        Assert.Equal(["cat.png"], db.Images.Select(i => i.FileName).ToList());
    }

    [Fact]
    public void Pressing_run_without_images_or_labels_explains_what_is_missing()
    {
        var page = Render<Explain>();

        page.Find("[data-testid=run-button]").Click();

        page.WaitForAssertion(() => Assert.Equal("images: upload or choose at least one image", page.Find("[data-testid=error]").TextContent.Trim()));
    }
}
