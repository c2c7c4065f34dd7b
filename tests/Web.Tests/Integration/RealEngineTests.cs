using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ClipSurgeryWeb.Jobs.Engine;
using ClipSurgeryWeb.Web.Tests.Support;

namespace ClipSurgeryWeb.Web.Tests.Integration;

/// <summary>The job flow on the real engine with the tiny fixture models: real heatmaps, masks, opinions and a batch.</summary>
public sealed class RealEngineTests : IDisposable
{
    private readonly ClipSurgeryAppFactory factory = RealEngine.Factory();

    public void Dispose()
    {
        factory.Dispose();
        ((IDisposable)factory.Engine).Dispose();
        factory.DeleteFiles();
    }

    private static async Task<Guid> Upload(AppClient client, string sample)
    {
        var response = await client.UploadAsync(sample, await File.ReadAllBytesAsync(RealEngine.Sample(sample)));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>(AppClient.Json)).GetProperty("saved")[0].GetProperty("id").GetGuid();
    }

    [Fact]
    public void The_models_folder_lists_the_fixture_models_by_kind_and_format_from_their_headers_without_hashing_them()
    {
        var models = factory.Engine.ListModels(factory.ModelsDir);
        Assert.Equal([("clip", "torchscript"), ("sam", "state-dict")], models.Select(m => (m.Kind, m.Format)));
        Assert.All(models, m => Assert.Null(m.Sha256));
    }

    [Fact]
    public void Registering_a_file_that_only_looks_like_CLIP_is_refused_with_the_reason()
    {
        var path = Path.Combine(factory.Root, "looks_like_clip.safetensors");
        TorchSharp.PyBridge.Safetensors.SaveStateDict(path, new Dictionary<string, TorchSharp.torch.Tensor>
        {
            ["text_projection"] = TorchSharp.torch.zeros(4, 4),
            ["token_embedding.weight"] = TorchSharp.torch.zeros(10, 4),
        });
        Assert.Equal("clip", factory.Engine.ListModels(factory.Root).Single(m => m.Path == path).Kind);

        var e = Assert.Throws<EngineInputException>(() => factory.Engine.Inspect(path));
        Assert.Contains("not a CLIP checkpoint", e.Reason);
    }

    [Fact]
    public async Task Explain_writes_Surgery_plain_and_single_heatmaps_and_SAM_masks()
    {
        using var client = await AppClient.LoginAsync(factory);
        var image = await Upload(client, "demo.jpg");

        var runId = await client.StartAsync("explain", new
        {
            imageIds = new[] { image }, model = RealEngine.ClipModel, labels = new[] { "person", "bench", "sky" },
            targets = new[] { "bench", "person+bench" }, modes = new[] { "cs", "plain", "single" }, samModel = RealEngine.SamModel,
        });
        var run = await client.WaitForFinishAsync(runId, timeoutMs: 120_000);

        Assert.True(run.Status == "Succeeded", run.Images.Single().Error ?? run.Error);
        var files = run.Images.Single().Files;
        Assert.Equal(
            ["cs_bench.png", "cs_person+bench.png", "plain_bench.png", "plain_person+bench.png", "single_bench.png", "single_person+bench.png"],
            files.Where(f => f.Kind == "heatmap").Select(f => f.FileName).Order());
        Assert.Contains(files, f => f.FileName == "maps.safetensors");
        Assert.Contains(files, f => f.FileName == "mask_person+bench.png");
        Assert.Contains(files, f => f.FileName == "masks.safetensors");
        foreach (var heatmap in files.Where(f => f.Kind == "heatmap"))
            Assert.True(TestImages.IsPng(await client.Http.GetByteArrayAsync(heatmap.Url)));
    }

    [Fact]
    public async Task Opinions_and_a_batch_run_on_the_real_engine()
    {
        using var client = await AppClient.LoginAsync(factory);
        var image = await Upload(client, "bwcat_cat.png");

        var opinions = await client.WaitForFinishAsync(
            await client.StartAsync("opinions", new { imageIds = new[] { image }, model = RealEngine.ClipModel, iterations = 2 }), timeoutMs: 180_000);
        Assert.True(opinions.Status == "Succeeded", opinions.Images.Single().Error ?? opinions.Error);
        Assert.NotEmpty(opinions.Images.Single().Tokens);
        Assert.Contains(opinions.Images.Single().Files, f => f.FileName == "tokens.csv");

        var batch = await client.WaitForFinishAsync(
            await client.StartAsync("batch", new { imageIds = new[] { image }, model = RealEngine.ClipModel, iterations = 2 }), timeoutMs: 180_000);
        Assert.True(batch.Status == "Succeeded", batch.Images.Single().Error ?? batch.Error);
    }

    [Fact]
    public async Task A_real_batch_stopped_by_a_restart_finishes_without_redoing_its_finished_image()
    {
        Guid runId;
        string firstTokens;
        DateTime firstWritten;
        using (var client = await AppClient.LoginAsync(factory))
        {
            var images = new[] { await Upload(client, "bwcat_cat.png"), await Upload(client, "bwcat_dog.png"), await Upload(client, "cliptestcube.png") };
            // The engine holds at the start of the second image until the shutdown reaches its token: the restart comes
            // with the first image done and the others not, however slow the machine.
            var secondStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var held = images[1].ToString("N");
            ((HoldableClipEngine)factory.Engine).Starting = (_, path, ct) =>
            {
                if (!path.Contains(held))
                    return;
                secondStarted.TrySetResult();
                ct.WaitHandle.WaitOne(TimeSpan.FromMinutes(5));
            };
            runId = await client.StartAsync("batch", new { imageIds = images, model = RealEngine.ClipModel, iterations = 4 });
            await secondStarted.Task.WaitAsync(TimeSpan.FromMinutes(5));
            var running = await client.GetRunAsync(runId) ?? throw new InvalidOperationException("the run is gone");
            Assert.Equal("Done", running.Images[0].Status);
            Assert.Contains(running.Images, i => i.Status != "Done");
            firstTokens = Directory.EnumerateFiles(Path.Combine(factory.Root, "data"), "tokens.csv", SearchOption.AllDirectories)
                .Single(f => f.Contains(running.Images[0].Id.ToString("N"), StringComparison.OrdinalIgnoreCase) || f.Contains(running.Images[0].Id.ToString(), StringComparison.OrdinalIgnoreCase));
            firstWritten = File.GetLastWriteTimeUtc(firstTokens);
        }
        factory.Dispose();

        await using var restarted = RealEngine.Restart(factory);
        try
        {
            using var client = await AppClient.LoginAsync(restarted);
            var finished = await client.WaitForFinishAsync(runId, timeoutMs: 300_000);
            Assert.True(finished.Status == "Succeeded", string.Join("; ", finished.Images.Select(i => i.Error)));
            Assert.All(finished.Images, i => Assert.Equal("Done", i.Status));
            Assert.Equal(firstWritten, File.GetLastWriteTimeUtc(firstTokens));
        }
        finally
        {
            ((IDisposable)restarted.Engine).Dispose();
        }
    }
}
