using ClipSurgeryWeb.Engine.Methods;
using Bunit;
using ClipSurgeryWeb.Engine.Tests.Support;
using ClipSurgeryWeb.Data;
using ClipSurgeryWeb.Web.Components.Pages.Explain;
using ClipSurgeryWeb.Web.Components.Shared;
using ClipSurgeryWeb.Web.Services;
using ClipSurgeryWeb.Web.State;
using Microsoft.AspNetCore.Components.Forms;
using Microsoft.Extensions.DependencyInjection;

namespace ClipSurgeryWeb.Web.Tests.Components;

/// <summary>Pages show thumbnails of images, never the originals (which may be 15 MB, or 20000×20000).</summary>
public sealed class ThumbnailComponentTests : ComponentTestContext
{
    public ThumbnailComponentTests() => EnsureDatabase();

    private static InputFileContent[] Pngs(int count)
    {
        var png = CraftedImages.Png();
        return Enumerable.Range(1, count).Select(i => InputFileContent.CreateFromBinary(png, $"img{i:00}.png", contentType: "image/png")).ToArray();
    }

    [Fact]
    public void Explain_shows_an_uploaded_image_as_its_thumbnail_not_the_original()
    {
        var page = Render<Explain>();

        page.FindComponent<InputFile>().UploadFiles(Pngs(1));

        var state = Services.GetRequiredService<ExplainState>();
        page.WaitForAssertion(() => Assert.Single(state.Uploads), TimeSpan.FromSeconds(30));
        var id = state.Uploads[0].Id;
        Assert.Equal($"/api/images/{id}/thumbnail", page.Find("img[data-testid=upload-thumb]").GetAttribute("src"));
    }

    [Fact]
    public void A_runs_images_and_the_base_under_each_heatmap_are_thumbnails_not_originals()
    {
        var imageId = Guid.NewGuid();
        var heatmap = new FileView(Guid.NewGuid(), "cs_cat.png", "heatmap", MapMethod.Surgery, "cat", "/api/files/1", "/api/files/1?download=true");
        var image = new RunImageView(Guid.NewGuid(), imageId, "cat.png", Urls.Image(imageId), "Done", null, 1, null, null, null, [heatmap], []);
        var run = new RunView(Guid.NewGuid(), "Explain", "Succeeded", "member-1", "member@example.com", true, DateTime.UtcNow, DateTime.UtcNow,
            DateTime.UtcNow, null, new RunSettings { ModelName = "clip_only_jit" }, null, null, [image]);

        var gallery = Render<ResultGrid>(p => p.Add(g => g.Run, run));
        var progress = Render<RunProgress>(p => p.Add(r => r.Run, run).Add(r => r.OnRetry, _ => { }).Add(r => r.OnCancel, _ => { }));

        var thumbnail = $"/api/images/{imageId}/thumbnail";
        var sources = gallery.FindAll("img").Concat(progress.FindAll("img")).Select(i => i.GetAttribute("src")).ToList();
        Assert.Contains(thumbnail, sources);
        Assert.Equal(thumbnail, gallery.Find(".heat-tile img.base").GetAttribute("src"));
        Assert.DoesNotContain(Urls.Image(imageId), sources);
    }
}
