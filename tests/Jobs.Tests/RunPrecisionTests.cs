using ClipSurgeryWeb.Engine.Methods;
using System.Text.Json;
using ClipSurgeryWeb.Engine.Hosting;
using ClipSurgeryWeb.Jobs.Batch;
using ClipSurgeryWeb.Data;
using ClipSurgeryWeb.Jobs.Engine;
using ClipSurgeryWeb.Jobs.Explain;
using ClipSurgeryWeb.Jobs.Running;
using ClipSurgeryWeb.Jobs.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace ClipSurgeryWeb.Jobs.Tests;

/// <summary>A run's precision: asked for at the start, stored with the run, handed to the engine; the server's default otherwise.</summary>
public sealed class RunPrecisionTests : IAsyncLifetime
{
    private readonly JobsHost _host = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task An_explain_run_stores_its_precision_and_hands_it_to_the_engine()
    {
        var image = await _host.UploadAsync();
        var run = await _host.With(sp => sp.GetRequiredService<JobLauncher>().StartExplainAsync(_host.Owner, [image.Id], JobsHost.ModelName,
            ["cat", "sofa"], [], [MapMethod.Surgery], null, shared: true, precision: "FP16"));
        Assert.Equal("fp16", (await _host.LoadRunAsync(run.Id)).Settings.Precision);

        await _host.With(async sp => { await sp.GetRequiredService<ExplainJob>().RunAsync(run.Id, CancellationToken.None); return 0; });

        Assert.Equal(Precision.Fp16, _host.Fake.ExplainSpecs.Single().Precision);
    }

    [Fact]
    public async Task A_batch_hands_its_precision_to_opinions_and_to_every_map()
    {
        var image = await _host.UploadAsync();
        var run = await _host.With(sp => sp.GetRequiredService<JobLauncher>().StartBatchAsync(_host.Owner, [image.Id], JobsHost.ModelName, null, 20,
            shared: true, precision: "bf16"));

        await _host.With(async sp => { await sp.GetRequiredService<BatchJob>().RunAsync(run.Id, CancellationToken.None); return 0; });

        Assert.Equal(Precision.Bf16, _host.Fake.OpinionSpecs.Single().Precision);
        Assert.NotEmpty(_host.Fake.ExplainSpecs);
        Assert.All(_host.Fake.ExplainSpecs, s => Assert.Equal(Precision.Bf16, s.Precision));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("auto")]
    public async Task Without_a_precision_a_run_takes_the_servers_default(string? asked)
    {
        var image = await _host.UploadAsync();
        var run = await _host.With(sp => sp.GetRequiredService<JobLauncher>().StartOpinionsAsync(_host.Owner, [image.Id], JobsHost.ModelName, 20,
            shared: true, precision: asked));
        Assert.Null((await _host.LoadRunAsync(run.Id)).Settings.Precision);
        Assert.Equal(Precision.Auto, RunPrecision.Of(run.Settings));
    }

    [Fact]
    public void Settings_stored_before_precisions_existed_read_as_auto()
    {
        var old = JsonSerializer.Deserialize<RunSettings>("""{"ModelName":"ViT-B-16","Labels":["cat"],"Targets":["cat"],"Modes":["cs"],"Iterations":400}""")!;
        Assert.Null(old.Precision);
        Assert.Equal(Precision.Auto, RunPrecision.Of(old));
    }

    [Fact]
    public async Task An_unknown_precision_is_refused_by_name_and_queues_nothing()
    {
        var image = await _host.UploadAsync();
        var refused = await Assert.ThrowsAsync<RequestRejectedException>(() => _host.With(sp => sp.GetRequiredService<JobLauncher>()
            .StartOpinionsAsync(_host.Owner, [image.Id], JobsHost.ModelName, 20, shared: true, precision: "fp64")));
        Assert.Equal("precision", refused.Subject);
        Assert.Equal("'fp64' is not one of auto, fp32, fp16, bf16", refused.Reason);
        await using var scope = _host.Scope();
        Assert.Empty(scope.ServiceProvider.GetRequiredService<ClipSurgeryDb>().Runs);
    }
}
