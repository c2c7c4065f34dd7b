using ClipSurgeryWeb.Tests.Fakes;
using ClipSurgeryWeb.Web.Tests.Support;

namespace ClipSurgeryWeb.Web.Tests.Integration;

/// <summary>State survives a restart: a batch stopped half-way finishes after the app starts again, without redoing images.</summary>
public sealed class RestartTests
{
    [Fact]
    public async Task A_batch_interrupted_by_a_restart_resumes_and_skips_its_finished_images()
    {
        var engine = new FakeClipEngine { StepDelay = TimeSpan.FromMilliseconds(60) };
        var first = ClipSurgeryAppFactory.Fresh(engine);
        Guid runId;
        Guid[] images;
        try
        {
            using (var client = await AppClient.LoginAsync(first))
            {
                images = [await client.UploadImageAsync("a.png"), await client.UploadImageAsync("b.png"), await client.UploadImageAsync("c.png"),
                    await client.UploadImageAsync("d.png")];
                runId = await client.StartAsync("batch", new { imageIds = images, model = ClipSurgeryAppFactory.ModelName, iterations = 100 });
                await client.WaitForRunAsync(runId, r => r.Images[0].Status == "Done");
            }
        }
        finally
        {
            first.Dispose();
        }

        // The restart really was mid-batch: the last image had not been reached.
        Assert.Equal(0, engine.CallsFor("opinions", images[^1].ToString("N")));

        await using var second = new ClipSurgeryAppFactory(first.Root, engine, first.ModelsDir);
        try
        {
            using var client = await AppClient.LoginAsync(second);
            var finished = await client.WaitForFinishAsync(runId, timeoutMs: 60_000);

            Assert.Equal("Succeeded", finished.Status);
            Assert.All(finished.Images, i => Assert.Equal("Done", i.Status));
            // The image finished before the restart is not touched again.
            Assert.Equal(1, engine.CallsFor("opinions", images[0].ToString("N")));
            // One pass: two explain calls (maps over the labels at the model's size, single-label maps at 512).
            Assert.Equal(2, engine.CallsFor("explain", images[0].ToString("N")));
        }
        finally
        {
            second.DeleteFiles();
        }
    }
}
