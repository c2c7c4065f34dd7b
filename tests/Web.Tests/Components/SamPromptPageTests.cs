using Bunit;
using ClipSurgeryWeb.Data;
using ClipSurgeryWeb.Engine.Explaining;
using ClipSurgeryWeb.Engine.Hosting;
using ClipSurgeryWeb.Engine.Storage;
using ClipSurgeryWeb.Hosting.Storage;
using ClipSurgeryWeb.Jobs.Engine;
using ClipSurgeryWeb.Jobs.Segmentation;
using ClipSurgeryWeb.Web.Components.Pages.Sam;
using ClipSurgeryWeb.Web.Tests.Support;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Extensions;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace ClipSurgeryWeb.Web.Tests.Components;

/// <summary>
/// The interactive SAM page on the tiny SAM fixture: clicks become points in the image's pixels (the shown image is half
/// size), right clicks negatives, proposed points load, the mask appears, and only the owner saves.
/// </summary>
public sealed class SamPromptPageTests : ComponentTestContext
{
    private const int Width = 1280, Height = 960;   // shown at 640×480
    private readonly Guid _runId = Guid.NewGuid(), _jobImageId = Guid.NewGuid(), _imageId = Guid.NewGuid();
    private readonly string _samFile;

    public SamPromptPageTests()
    {
        var models = Path.Combine(Root, "models");   // the context's FileStore's models folder
        _samFile = Path.Combine(models, RealEngine.SamModel + ".pth");
        File.Copy(Path.Combine(RealEngine.SharedReference, "fixtures", "sam_vit_tiny.pth"), _samFile);
        Services.AddSingleton(new EngineClipEngineSettings(models, Path.Combine(RealEngine.SharedReference, "bpe_simple_vocab_16e6.txt.gz"), DevicePreference.Cpu));
        Services.AddSingleton(new SamSessionOptions());
        Services.AddSingleton<SamSessions>();
        Services.AddSingleton<ClickedMasks>();
        EnsureDatabase();
    }

    /// <summary>A finished image of a run by <paramref name="owner"/>, with points stored for 'bench'.</summary>
    private async Task SeedAsync(string owner = "member-1", bool shared = true)
    {
        var files = Services.GetRequiredService<FileStore>();
        using (var image = new Image<Rgb24>(Width, Height))
        {
            for (var y = 0; y < Height; y++)
                for (var x = 0; x < Width; x++)
                    image[x, y] = x > 400 && x < 900 && y > 300 && y < 700 ? new Rgb24(220, 40, 40) : new Rgb24(30, 90, (byte)(y / 4));
            image.SaveAsPng(files.UploadPath(_imageId, ".png"));
        }
        await using var db = await Services.GetRequiredService<IDbContextFactory<ClipSurgeryDb>>().CreateDbContextAsync();
        db.Images.Add(new UploadedImage
        {
            Id = _imageId, OwnerId = owner, OwnerName = owner, FileName = "bench.png", Extension = ".png", ContentType = "image/png",
            Width = Width, Height = Height, CreatedAt = DateTime.UtcNow,
        });
        db.Runs.Add(new JobRun
        {
            Id = _runId, Kind = JobRunKind.Explain, Status = JobRunStatus.Succeeded, OwnerId = owner, OwnerName = owner, Shared = shared,
            CreatedAt = DateTime.UtcNow,
            Settings = new RunSettings { ModelName = "clip_only_jit", SamModelName = RealEngine.SamModel, Labels = ["bench"], Targets = ["bench"] },
            Images = [new JobImage { Id = _jobImageId, ImageId = _imageId, Status = JobImageStatus.Done, Progress = 1 }],
        });
        await db.SaveChangesAsync();
        SafetensorsWriter.Write(Path.Combine(files.ResultDir(_runId, _jobImageId), OutputNames.MapsFile),
        [
            SafetensorsWriter.Entry.Longs(OutputNames.PointsKey("bench"), [2, 2], [600, 500, 100, 100]),
            SafetensorsWriter.Entry.Longs(OutputNames.PointLabelsKey("bench"), [2], [1, 0]),
        ]);
    }

    private IRenderedComponent<SamPrompt> Page() =>
        Render<SamPrompt>(p => p.Add(s => s.RunId, _runId).Add(s => s.JobImageId, _jobImageId));

    private static (string Label, string X, string Y)[] Points(IRenderedComponent<SamPrompt> page) =>
        page.FindAll("[data-testid=sam-point]").Select(p => (p.GetAttribute("data-label")!, p.GetAttribute("data-x")!, p.GetAttribute("data-y")!)).ToArray();

    [Fact]
    public async Task A_click_adds_an_object_point_in_image_pixels_and_the_mask_appears()
    {
        await SeedAsync();
        var page = Page();
        Assert.Equal("width:640px;height:480px", page.Find("[data-testid=sam-canvas]").GetAttribute("style"));
        Assert.Empty(page.FindAll("[data-testid=sam-mask]"));

        await page.Find("[data-testid=sam-image]").TriggerEventAsync("onclick", new MouseEventArgs { OffsetX = 325.5, OffsetY = 250.2 });

        page.WaitForAssertion(() => Assert.NotEmpty(page.FindAll("[data-testid=sam-mask]")));
        Assert.Equal([("1", "651", "500")], Points(page));
        Assert.StartsWith("data:image/png;base64,", page.Find("[data-testid=sam-mask]").GetAttribute("src"));
        Assert.Contains("(image encoded)", page.Find("[data-testid=sam-status]").TextContent);
        Assert.Single(page.FindAll("[data-testid=sam-point-row]"));
        Assert.Equal(RealEngine.SamModel, page.FindComponent<MudBlazor.MudSelect<string>>().Instance.GetState(s => s.Value));
    }

    [Fact]
    public async Task A_right_click_or_the_toggle_adds_a_background_point_and_the_kept_embedding_answers()
    {
        await SeedAsync();
        var page = Page();
        var image = page.Find("[data-testid=sam-image]");

        await image.TriggerEventAsync("onclick", new MouseEventArgs { OffsetX = 320, OffsetY = 240 });
        page.WaitForAssertion(() => Assert.Equal("1", page.Find("[data-testid=sam-mask]").GetAttribute("data-points")));
        await page.Find("[data-testid=sam-image]").TriggerEventAsync("oncontextmenu", new MouseEventArgs { OffsetX = 10, OffsetY = 20, Button = 2 });
        page.WaitForAssertion(() => Assert.Equal("2", page.Find("[data-testid=sam-mask]").GetAttribute("data-points")));
        Assert.Contains("(kept embedding)", page.Find("[data-testid=sam-status]").TextContent);

        await page.InvokeAsync(() => page.FindComponent<MudBlazor.MudSwitch<bool>>().Instance.ValueChanged.InvokeAsync(true));
        await page.Find("[data-testid=sam-image]").TriggerEventAsync("onclick", new MouseEventArgs { OffsetX = 600, OffsetY = 400 });

        page.WaitForAssertion(() => Assert.Equal("3", page.Find("[data-testid=sam-mask]").GetAttribute("data-points")));
        Assert.Equal([("1", "640", "480"), ("0", "20", "40"), ("0", "1200", "800")], Points(page));
        Assert.Equal(1, Services.GetRequiredService<SamSessions>().Encodes);
    }

    [Fact]
    public async Task The_proposed_points_load_and_a_marker_click_removes_one()
    {
        await SeedAsync();
        var page = Page();

        await page.Find("[data-testid=sam-propose]").ClickAsync(new MouseEventArgs());
        page.WaitForAssertion(() => Assert.Equal("2", page.Find("[data-testid=sam-mask]").GetAttribute("data-points")));
        Assert.Contains("bench", page.Find("[data-testid=sam-propose]").TextContent);
        Assert.Equal([("1", "600", "500"), ("0", "100", "100")], Points(page));

        await page.FindAll("[data-testid=sam-point]")[1].ClickAsync(new MouseEventArgs());

        page.WaitForAssertion(() => Assert.Equal("1", page.Find("[data-testid=sam-mask]").GetAttribute("data-points")));
        Assert.Equal([("1", "600", "500")], Points(page));
        await page.Find("[data-testid=sam-point-delete]").ClickAsync(new MouseEventArgs());
        page.WaitForAssertion(() => Assert.Empty(page.FindAll("[data-testid=sam-mask]")));
    }

    [Fact]
    public async Task The_owner_saves_the_mask_into_the_run()
    {
        await SeedAsync();
        var page = Page();
        await page.Find("[data-testid=sam-image]").TriggerEventAsync("onclick", new MouseEventArgs { OffsetX = 320, OffsetY = 240 });
        page.WaitForAssertion(() => Assert.NotEmpty(page.FindAll("[data-testid=sam-mask]")));

        await page.Find("button[data-testid=sam-save]").ClickAsync(new MouseEventArgs());

        page.WaitForAssertion(() => Assert.Contains("“clicked: 1 point”", page.Find("[data-testid=sam-saved]").TextContent));
        await using var db = await Services.GetRequiredService<IDbContextFactory<ClipSurgeryDb>>().CreateDbContextAsync();
        var rows = await db.Files.Where(f => f.JobImageId == _jobImageId).OrderBy(f => f.Kind).ToListAsync();
        Assert.Equal([("mask", "mask_clicked-1.png"), ("overlay", "overlay_clicked-1.png")], rows.Select(r => (r.Kind, r.FileName)));
    }

    [Fact]
    public async Task A_teammate_may_prompt_a_shared_run_but_is_offered_no_save()
    {
        await SeedAsync(owner: "someone-else");
        var page = Page();

        Assert.NotEmpty(page.FindAll("[data-testid=sam-canvas]"));
        Assert.Empty(page.FindAll("[data-testid=sam-save]"));
    }

    [Fact]
    public async Task Someone_elses_private_run_is_not_found()
    {
        await SeedAsync(owner: "someone-else", shared: false);
        var page = Page();

        Assert.Equal("Image not found", page.Find("[data-testid=sam-not-found]").TextContent);
        Assert.Empty(page.FindAll("[data-testid=sam-canvas]"));
    }

    [Fact]
    public async Task Without_a_SAM_model_the_page_says_so_and_links_to_the_models_page()
    {
        await SeedAsync();
        File.Delete(_samFile);

        var page = Page();

        var alert = page.Find("[data-testid=sam-no-model]");
        Assert.Contains("No SAM model is installed", alert.TextContent);
        Assert.Equal("/models", alert.QuerySelector("a")!.GetAttribute("href"));
        Assert.Empty(page.FindAll("[data-testid=sam-canvas]"));
    }
}
