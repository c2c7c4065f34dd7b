using Bunit;
using ClipSurgeryWeb.Engine.Tests.Support;
using ClipSurgeryWeb.Web.Components.Pages.Explain;
using ClipSurgeryWeb.Web.Components.Shared;
using ClipSurgeryWeb.Web.State;
using Microsoft.AspNetCore.Components.Forms;
using Microsoft.Extensions.DependencyInjection;

namespace ClipSurgeryWeb.Web.Tests.Components;

/// <summary>Picking or dropping images: the server's per-upload limit (ClipSurgery:MaxUploadFiles) applies, and is said.</summary>
public sealed class DropZoneTests : ComponentTestContext
{
    public DropZoneTests() => EnsureDatabase();

    /// <summary>Different pictures (identical bytes would be stored once, as one upload).</summary>
    private static InputFileContent[] Pngs(int count) =>
        Enumerable.Range(1, count)
            .Select(i => InputFileContent.CreateFromBinary(CraftedImages.Png(CraftedImages.Marked(8 + i, 12)), $"img{i:00}.png", contentType: "image/png"))
            .ToArray();

    [Fact]
    public void Picking_more_than_50_images_on_Explain_takes_the_first_50_and_says_why_the_rest_were_not()
    {
        var page = Render<Explain>();

        page.FindComponent<InputFile>().UploadFiles(Pngs(53));

        var state = Services.GetRequiredService<ExplainState>();
        page.WaitForAssertion(() => Assert.Equal(50, state.Uploads.Count), TimeSpan.FromSeconds(60));
        Assert.Equal(Enumerable.Range(1, 50).Select(i => $"img{i:00}.png"), state.Uploads.Select(u => u.FileName));
        Assert.Empty(state.Errors);
        Assert.Equal("Took the first 50 of the 53 files picked: at most 50 are taken at a time. Add the other 3 in another upload.",
            page.Find("[data-testid=upload-notice]").TextContent);
    }

    [Fact]
    public void Picking_no_more_than_the_limit_takes_them_all_without_a_notice()
    {
        IReadOnlyList<IBrowserFile>? received = null;
        var zone = Render<ImageDropZone>(p => p.Add(z => z.OnFiles, files => received = files));

        zone.FindComponent<InputFile>().UploadFiles(Pngs(50));

        Assert.Equal(50, received?.Count);
        Assert.Empty(zone.FindAll("[data-testid=upload-notice]"));
    }
}
