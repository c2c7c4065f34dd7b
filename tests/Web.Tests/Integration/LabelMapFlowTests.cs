using System.IO.Compression;
using System.Text.Json;
using ClipSurgeryWeb.Tests.Fakes;
using ClipSurgeryWeb.Web.Tests.Support;

namespace ClipSurgeryWeb.Web.Tests.Integration;

/// <summary>
/// Label maps through the API, the app's own Hangfire worker and back: each method's overlay comes with its classes'
/// pixel shares, and the run's zip holds the overlays, the palette PNGs, labels.safetensors and what was asked.
/// </summary>
public sealed class LabelMapFlowTests : IDisposable
{
    private readonly FakeClipEngine _engine = new();
    private readonly ClipSurgeryAppFactory _factory;

    public LabelMapFlowTests() => _factory = ClipSurgeryAppFactory.Fresh(_engine);

    public void Dispose()
    {
        _factory.Dispose();
        _factory.DeleteFiles();
    }

    [Fact]
    public async Task An_explain_run_with_label_maps_shows_their_shares_and_zips_them_with_its_settings()
    {
        using var client = await AppClient.LoginAsync(_factory);
        var image = await client.UploadImageAsync("street.png");

        var runId = await client.StartAsync("explain", new
        {
            imageIds = new[] { image }, model = ClipSurgeryAppFactory.ModelName, labels = new[] { "person", "bench", "sky" },
            modes = new[] { "cs", "naclip" },
            labelMaps = new { methods = new[] { "naclip", "cs" }, background = true },
        });
        var run = await client.WaitForFinishAsync(runId);

        Assert.Equal("Succeeded", run.Status);
        var files = run.Images.Single().Files;
        var overlays = files.Where(f => f.Kind == "labels").ToList();
        Assert.Equal(["cs", "naclip"], overlays.Select(f => f.Mode!.Value.Name).Order(StringComparer.Ordinal));
        Assert.All(overlays, o =>
        {
            Assert.Equal(["background", "person", "bench", "sky"], o.Shares!.Select(s => s.Name));
            Assert.Equal(1, o.Shares!.Sum(s => s.Share), 9);
        });
        Assert.Equal(2, files.Count(f => f.Kind == "labelids"));
        var zip = new ZipArchive(await client.Http.GetStreamAsync(run.Zip));
        foreach (var entry in new[] { "labels_naclip.png", "labelmap_naclip.png", "labels_cs.png", "labelmap_cs.png", "labels.safetensors" })
            Assert.Contains(zip.Entries, e => e.FullName == $"01_street/{entry}");
        using var settings = JsonDocument.Parse(zip.GetEntry("settings.json")!.Open());
        var labelMaps = settings.RootElement.GetProperty("labelMaps");
        Assert.Equal(["cs", "naclip"], labelMaps.GetProperty("methods").EnumerateArray().Select(m => m.GetProperty("name").GetString()));
        Assert.True(labelMaps.GetProperty("background").GetBoolean());
    }
}
