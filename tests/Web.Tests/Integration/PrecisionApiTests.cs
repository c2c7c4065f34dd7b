using System.Net;
using System.Net.Http.Json;
using ClipSurgeryWeb.Engine.Hosting;
using ClipSurgeryWeb.Tests.Fakes;
using ClipSurgeryWeb.Web.Tests.Support;

namespace ClipSurgeryWeb.Web.Tests.Integration;

/// <summary>The JSON API takes a run's precision: stored with the run, handed to the engine, refused by name when unknown.</summary>
public sealed class PrecisionApiTests : IDisposable
{
    private readonly FakeClipEngine _engine = new();
    private readonly ClipSurgeryAppFactory _factory;

    public PrecisionApiTests() => _factory = ClipSurgeryAppFactory.Fresh(_engine);

    public void Dispose()
    {
        _factory.Dispose();
        _factory.DeleteFiles();
    }

    [Fact]
    public async Task An_opinions_run_asked_for_in_fp16_runs_in_fp16()
    {
        using var client = await AppClient.LoginAsync(_factory);
        var image = await client.UploadImageAsync();

        var id = await client.StartAsync("opinions", new { imageIds = new[] { image }, model = ClipSurgeryAppFactory.ModelName, iterations = 20, precision = "fp16" });
        var run = await client.WaitForRunAsync(id, r => r.FinishedAt is not null);

        Assert.Equal("fp16", run.Settings.Precision);
        Assert.Equal(Precision.Fp16, _engine.OpinionSpecs.Single().Precision);
    }

    [Fact]
    public async Task An_unknown_precision_is_refused_with_the_subject_and_reason()
    {
        using var client = await AppClient.LoginAsync(_factory);
        var image = await client.UploadImageAsync();

        var response = await client.Http.PostAsJsonAsync("/api/runs/batch",
            new { imageIds = new[] { image }, model = ClipSurgeryAppFactory.ModelName, samModel = (string?)null, precision = "fp64" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("""{"subject":"precision","reason":"'fp64' is not one of auto, fp32, fp16, bf16"}""", await response.Content.ReadAsStringAsync());
        Assert.Equal("[]", await client.Http.GetStringAsync("/api/runs"));
    }
}
