using ClipSurgeryWeb.Tests.Fakes;
using ClipSurgeryWeb.Web.Tests.Support;

namespace ClipSurgeryWeb.Web.Tests.Integration;

/// <summary>State survives a restart: a batch stopped half-way finishes after the app starts again, without redoing images.</summary>
public sealed class RestartTests
{
    [Fact]
    public async Task A_batch_interrupted_by_a_restart_resumes_and_skips_its_finished_images()
    {
        var engine = new FakeClipEngine();
        var first = ClipSurgeryAppFactory.Fresh(engine);
        Guid runId;
        Guid[] images;
        try
        {
            using (var client = await AppClient.LoginAsync(first))
            {
                images = [await client.UploadImageAsync("a.png"), await client.UploadImageAsync("b.png"), await client.UploadImageAsync("c.png"),
                    await client.UploadImageAsync("d.png")];
                // The engine holds at the start of the second image until the shutdown reaches its token: the app stops
                // with the first image done and the second running, however slow the machine.
                var secondStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                var held = images[1].ToString("N");
                engine.Starting = (_, path, ct) =>
                {
                    if (!path.Contains(held))
                        return;
                    secondStarted.TrySetResult();
                    ct.WaitHandle.WaitOne(HubInbox.SafetyTimeout);
                };
                runId = await client.StartAsync("batch", new { imageIds = images, model = ClipSurgeryAppFactory.ModelName, iterations = 100 });
                await secondStarted.Task.WaitAsync(HubInbox.SafetyTimeout);
                Assert.Equal("Done", (await client.GetRunAsync(runId))!.Images[0].Status);
            }
        }
        finally
        {
            first.Dispose();
        }
        engine.Starting = null;

        // The restart really was mid-batch: the last image had not been reached.
        Assert.Equal(0, engine.CallsFor("opinions", images[^1].ToString("N")));

        await using var second = new ClipSurgeryAppFactory(first.Root, engine, first.ModelsDir);
        try
        {
            using var client = await AppClient.LoginAsync(second);
            var finished = await client.WaitForFinishAsync(runId);

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
