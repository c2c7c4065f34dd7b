using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ClipSurgeryWeb.Engine.Tests.Support;
using ClipSurgeryWeb.Web.Tests.Support;
using SixLabors.ImageSharp;

namespace ClipSurgeryWeb.Web.Tests.Integration;

/// <summary>Images as phones and people make them, through the web app on the real engine with the tiny fixture model.</summary>
public sealed class RealEngineImageTests : IDisposable
{
    private readonly ClipSurgeryAppFactory _factory = RealEngine.Factory();

    public void Dispose()
    {
        _factory.Dispose();
        ((IDisposable)_factory.Engine).Dispose();
        _factory.DeleteFiles();
    }

    private static async Task<Guid> UploadAsync(AppClient client, string name, byte[] content)
    {
        var response = await client.UploadAsync(name, content, "image/jpeg");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>(AppClient.Json)).GetProperty("saved")[0].GetProperty("id").GetGuid();
    }

    [Fact]
    public async Task A_photo_with_EXIF_orientation_6_gets_upright_maps()
    {
        using var client = await AppClient.LoginAsync(_factory);
        using var stored = CraftedImages.Marked(500, 375); // stored landscape, shown portrait
        var image = await UploadAsync(client, "phone.jpg", CraftedImages.JpegWithOrientation(6, stored));

        var runId = await client.StartAsync("explain", new
        {
            imageIds = new[] { image }, model = RealEngine.ClipModel, labels = new[] { "cat", "sky" }, modes = new[] { "cs", "plain" },
        });
        var run = await client.WaitForFinishAsync(runId, timeoutMs: 120_000);

        Assert.True(run.Status == "Succeeded", run.Images.Single().Error ?? run.Error);
        var heatmaps = run.Images.Single().Files.Where(f => f.Kind == "heatmap").ToList();
        Assert.Equal(4, heatmaps.Count);
        foreach (var heatmap in heatmaps)
        {
            var info = Image.Identify(await client.Http.GetByteArrayAsync(heatmap.Url));
            Assert.Equal((375, 500), (info.Width, info.Height));
        }
    }

    [Fact]
    public async Task A_500_character_label_is_explained_with_its_full_label_and_never_shows_the_member_a_server_path()
    {
        using var client = await AppClient.LoginAsync(_factory);
        var image = await UploadAsync(client, "demo.jpg", await File.ReadAllBytesAsync(RealEngine.Sample("demo.jpg")));
        var label = new string('a', 500);

        var runId = await client.StartAsync("explain", new
        {
            imageIds = new[] { image }, model = RealEngine.ClipModel, labels = new[] { "cat", label }, modes = new[] { "cs" },
        });
        var run = await client.WaitForFinishAsync(runId, timeoutMs: 120_000);

        // Before the engine bounded the file names it makes from labels, this image failed with "The path '…' is too long",
        // naming the server's folder (the finding). Now it succeeds, its heatmap keeps the full label, and no
        // server path shows anywhere the member looks.
        var item = run.Images.Single();
        foreach (var shown in new[] { item.Error ?? "", run.Error ?? "", await client.Http.GetStringAsync($"/runs/{runId}") })
        {
            Assert.DoesNotContain(_factory.Root, shown);
            Assert.DoesNotContain("/results/", shown);
        }
        Assert.Equal("Done", item.Status);
        Assert.Contains(item.Files, f => f.Kind == "heatmap" && f.Label == label);
    }

    [Fact]
    public async Task The_real_engines_scores_and_value_ranges_reach_the_run_and_its_zip()
    {
        using var client = await AppClient.LoginAsync(_factory);
        var image = await UploadAsync(client, "demo.jpg", await File.ReadAllBytesAsync(RealEngine.Sample("demo.jpg")));
        var runId = await client.StartAsync("explain", new
        {
            imageIds = new[] { image }, model = RealEngine.ClipModel, labels = new[] { "cat", "bench", "sky" }, modes = new[] { "cs", "plain" },
        });
        var run = await client.WaitForFinishAsync(runId, timeoutMs: 120_000);

        var item = run.Images.Single();
        Assert.True(run.Status == "Succeeded", item.Error ?? run.Error);
        Assert.Equal(["bench", "cat", "sky"], item.LabelScores.Select(s => s.Label).Order(StringComparer.Ordinal));
        Assert.Equal(1, item.LabelScores.Sum(s => (double)s.Probability), 5);
        Assert.All(item.Files.Where(f => f.Kind == "heatmap"), f => Assert.True(f.Range is { } r && r.Max > r.Min, $"{f.FileName}: {f.Range}"));
        Assert.Contains(item.Files, f => f.Kind == "scores" && f.FileName == "scores.json");

        using var zip = new System.IO.Compression.ZipArchive(await client.Http.GetStreamAsync(run.Zip));
        using var reader = new StreamReader(zip.GetEntry("01_demo/scores.json")!.Open());
        var written = JsonSerializer.Deserialize<List<ClipSurgeryWeb.Engine.Pipeline.LabelScore>>(await reader.ReadToEndAsync(), AppClient.Json);
        Assert.Equal(item.LabelScores, written);
        Assert.NotNull(zip.GetEntry("settings.json"));
    }
}
