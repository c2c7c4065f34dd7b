using System.IO.Compression;
using System.Text.Json;
using ClipSurgeryWeb.Engine.Pipeline;
using ClipSurgeryWeb.Tests.Fakes;
using ClipSurgeryWeb.Web.Services;
using ClipSurgeryWeb.Web.Tests.Support;

namespace ClipSurgeryWeb.Web.Tests.Integration;

/// <summary>
/// A run's zip carries what the run was asked and how it went (<c>settings.json</c> at the root) and every image's
/// <c>scores.json</c> beside its maps; the numbers behind the views (value ranges, scores) reach the run's API too.
/// </summary>
public sealed class RunZipTests : IDisposable
{
    private readonly FakeClipEngine _engine = new() { EmitScores = true };
    private readonly ClipSurgeryAppFactory _factory;

    public RunZipTests() => _factory = ClipSurgeryAppFactory.Fresh(_engine);

    public void Dispose()
    {
        _factory.Dispose();
        _factory.DeleteFiles();
    }

    [Fact]
    public async Task An_explain_zip_holds_its_settings_at_the_root_and_each_images_scores()
    {
        using var client = await AppClient.LoginAsync(_factory);
        var image = await client.UploadImageAsync("street.png");
        var runId = await client.StartAsync("explain", new
        {
            imageIds = new[] { image }, model = ClipSurgeryAppFactory.ModelName, labels = new[] { "person", "bench", "sky" },
            targets = new[] { "person", "person+bench" }, modes = new[] { "cs", "plain" }, resolution = 448, precision = "fp32",
            shared = false,
        });
        var run = await client.WaitForFinishAsync(runId);
        Assert.Equal("Succeeded", run.Status);

        using var zip = new ZipArchive(await client.Http.GetStreamAsync(run.Zip));
        using var settings = JsonDocument.Parse(Read(zip, RunSettingsDocument.FileName));
        var root = settings.RootElement;
        Assert.Equal(runId, root.GetProperty("run").GetGuid());
        Assert.Equal("explain", root.GetProperty("kind").GetString());
        Assert.Equal("Succeeded", root.GetProperty("status").GetString());
        Assert.Equal(ClipSurgeryAppFactory.ModelName, root.GetProperty("model").GetString());
        Assert.Equal([("cs", "Surgery"), ("plain", "Plain CLIP")], root.GetProperty("methods").EnumerateArray()
            .Select(m => (m.GetProperty("name").GetString(), m.GetProperty("displayName").GetString())));
        Assert.Equal(["person", "bench", "sky"], Strings(root.GetProperty("labels")));
        Assert.Equal(["person", "person+bench"], Strings(root.GetProperty("targets")));
        Assert.Equal(448, root.GetProperty("resolution").GetInt32());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("iterations").ValueKind);
        Assert.Equal(JsonValueKind.Null, root.GetProperty("samModel").ValueKind);
        Assert.Equal("fp32", root.GetProperty("precision").GetString());
        Assert.Equal(ClipSurgeryAppFactory.AdminEmail, root.GetProperty("owner").GetString());
        Assert.False(root.GetProperty("shared").GetBoolean());

        var created = UtcTime(root.GetProperty("createdAt"));
        var started = UtcTime(root.GetProperty("startedAt"));
        var finished = UtcTime(root.GetProperty("finishedAt"));
        Assert.True(created <= started && started <= finished, $"{created:o} {started:o} {finished:o}");
        Assert.Equal((finished - started).TotalSeconds, root.GetProperty("durationSeconds").GetDouble(), 3);
        var entry = Assert.Single(root.GetProperty("images").EnumerateArray());
        Assert.Equal("01_street", entry.GetProperty("folder").GetString());
        Assert.Equal("street.png", entry.GetProperty("fileName").GetString());

        // The image's ranking, as the engine wrote it, in the image's folder; and the same numbers on the run's API.
        var scores = JsonSerializer.Deserialize<List<LabelScore>>(Read(zip, "01_street/scores.json"), AppClient.Json)!;
        Assert.Equal(FakeClipEngine.ScoresFor(["person", "bench", "sky"]), scores);
        Assert.Equal(scores, run.Images.Single().LabelScores);
        var heatmap = run.Images.Single().Files.Single(f => f.FileName == "cs_person.png");
        Assert.Equal(FakeClipEngine.RangeFor(heatmap.Mode!.Value, "person"), heatmap.Range);
        Assert.Single(zip.Entries, e => !e.FullName.Contains('/'));
    }

    [Fact]
    public async Task An_opinions_zip_says_its_iterations_and_that_it_has_no_labels()
    {
        using var client = await AppClient.LoginAsync(_factory);
        var image = await client.UploadImageAsync();
        var runId = await client.StartAsync("opinions", new { imageIds = new[] { image }, model = ClipSurgeryAppFactory.ModelName, iterations = 20 });
        var run = await client.WaitForFinishAsync(runId);

        using var zip = new ZipArchive(await client.Http.GetStreamAsync(run.Zip));
        using var settings = JsonDocument.Parse(Read(zip, RunSettingsDocument.FileName));
        Assert.Equal("opinions", settings.RootElement.GetProperty("kind").GetString());
        Assert.Equal(20, settings.RootElement.GetProperty("iterations").GetInt32());
        Assert.Empty(settings.RootElement.GetProperty("labels").EnumerateArray());
        Assert.Empty(settings.RootElement.GetProperty("methods").EnumerateArray());
        Assert.DoesNotContain(zip.Entries, e => e.Name == "scores.json");
        Assert.Contains(zip.Entries, e => e.FullName == "01_cat/tokens.csv");
    }

    private static string Read(ZipArchive zip, string name)
    {
        var entry = zip.GetEntry(name) ?? throw new Xunit.Sdk.XunitException($"no {name} in the zip: {string.Join(", ", zip.Entries.Select(e => e.FullName))}");
        using var reader = new StreamReader(entry.Open());
        return reader.ReadToEnd();
    }

    private static List<string?> Strings(JsonElement array) => array.EnumerateArray().Select(e => e.GetString()).ToList();

    /// <summary>An ISO-8601 time that says it is UTC (ends in Z).</summary>
    private static DateTime UtcTime(JsonElement value)
    {
        var text = value.GetString()!;
        Assert.EndsWith("Z", text);
        return DateTime.Parse(text, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.RoundtripKind);
    }
}
