using System.IO.Compression;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ClipSurgeryWeb.Data;
using ClipSurgeryWeb.Tests.Fakes;
using ClipSurgeryWeb.Web.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace ClipSurgeryWeb.Web.Tests.Integration;

/// <summary>Log in, upload, enqueue; the app's own Hangfire worker runs the job; results are readable through the API.</summary>
public sealed class JobFlowTests : IDisposable
{
    private readonly FakeClipEngine _engine = new();
    private readonly ClipSurgeryAppFactory _factory;

    public JobFlowTests() => _factory = ClipSurgeryAppFactory.Fresh(_engine);

    public void Dispose()
    {
        _factory.Dispose();
        _factory.DeleteFiles();
    }

    [Fact]
    public async Task A_member_uploads_runs_explain_and_reads_every_heatmap_and_the_zip()
    {
        using var client = await AppClient.LoginAsync(_factory);
        var image = await client.UploadImageAsync("street.png");

        var runId = await client.StartAsync("explain", new
        {
            imageIds = new[] { image }, model = ClipSurgeryAppFactory.ModelName, labels = new[] { "person", "bench" },
            targets = new[] { "person", "person+bench" }, modes = new[] { "cs", "plain" },
        });
        var run = await client.WaitForFinishAsync(runId);

        Assert.Equal("Succeeded", run.Status);
        var heatmaps = run.Images.Single().Files.Where(f => f.Kind == "heatmap").ToList();
        Assert.Equal(4, heatmaps.Count);
        foreach (var heatmap in heatmaps)
        {
            var response = await client.Http.GetAsync(heatmap.Url);
            Assert.Equal("image/png", response.Content.Headers.ContentType?.MediaType);
            Assert.True(TestImages.IsPng(await response.Content.ReadAsByteArrayAsync()));
        }
        var zip = new ZipArchive(await client.Http.GetStreamAsync(run.Zip));
        Assert.Contains(zip.Entries, e => e.FullName == "01_street/cs_person+bench.png");
        Assert.Contains(zip.Entries, e => e.FullName == "01_street/maps.safetensors");
    }

    [Fact]
    public async Task Zip_entry_names_keep_only_safe_characters_so_an_uploaded_name_cannot_leave_the_folder()
    {
        using var client = await AppClient.LoginAsync(_factory);
        var image = await client.UploadImageAsync("evil.png");
        await using (var scope = _factory.Services.CreateAsyncScope())
            await scope.ServiceProvider.GetRequiredService<ClipSurgeryDb>().Images.Where(i => i.Id == image)
                .ExecuteUpdateAsync(s => s.SetProperty(i => i.FileName, @"..\..\C:\evil name?.png"));
        var runId = await client.StartAsync("explain", new
        {
            imageIds = new[] { image }, model = ClipSurgeryAppFactory.ModelName, labels = new[] { "cat" }, modes = new[] { "cs" },
        });
        var run = await client.WaitForFinishAsync(runId);

        var zip = new ZipArchive(await client.Http.GetStreamAsync(run.Zip));

        Assert.Contains(zip.Entries, e => e.FullName == "01_.._.._C__evil name_/cs_cat.png");
        // Every entry is a file in an image's folder, but the run's settings.json at the root.
        Assert.Single(zip.Entries, e => e.FullName == "settings.json");
        Assert.All(zip.Entries.Where(e => e.FullName != "settings.json"), e => Assert.Matches("^[A-Za-z0-9._+ -]+/[A-Za-z0-9._+ -]+$", e.FullName));
    }

    [Fact]
    public async Task Opinions_fill_the_word_world_records()
    {
        using var client = await AppClient.LoginAsync(_factory);
        var image = await client.UploadImageAsync();

        var runId = await client.StartAsync("opinions", new { imageIds = new[] { image }, model = ClipSurgeryAppFactory.ModelName, iterations = 30 });
        await client.WaitForFinishAsync(runId);

        var records = await client.Http.GetFromJsonAsync<JsonElement>("/api/records", AppClient.Json);
        Assert.Equal(["incomprehensibilities", "photographically"], records.EnumerateArray().Select(r => r.GetProperty("word").GetString()));
        Assert.Equal(ClipSurgeryAppFactory.AdminEmail, records[0].GetProperty("ownerName").GetString());
    }

    [Fact]
    public async Task An_upload_that_is_not_an_image_is_refused_naming_the_file_and_the_reason()
    {
        using var client = await AppClient.LoginAsync(_factory);

        var response = await client.UploadAsync("notes.txt", "hello"u8.ToArray(), "text/plain");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var refused = (await response.Content.ReadFromJsonAsync<JsonElement>(AppClient.Json)).GetProperty("refused")[0];
        Assert.Equal("notes.txt", refused.GetProperty("subject").GetString());
        Assert.StartsWith("not a readable image", refused.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task Explain_without_labels_is_refused_and_nothing_is_queued()
    {
        using var client = await AppClient.LoginAsync(_factory);
        var image = await client.UploadImageAsync();

        var response = await client.Http.PostAsJsonAsync("/api/runs/explain",
            new { imageIds = new[] { image }, model = ClipSurgeryAppFactory.ModelName, labels = Array.Empty<string>() });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("""{"subject":"labels","reason":"add at least one label"}""", await response.Content.ReadAsStringAsync());
        Assert.Equal("[]", await client.Http.GetStringAsync("/api/runs"));
    }

    [Fact]
    public async Task Cancelling_a_running_batch_keeps_finished_images_and_retry_finishes_the_rest()
    {
        using var client = await AppClient.LoginAsync(_factory);
        var images = new[] { await client.UploadImageAsync("a.png"), await client.UploadImageAsync("b.png"), await client.UploadImageAsync("c.png") };
        // The engine holds at the start of the second image until the cancel reaches its token: the first image is done
        // and the second running when the member cancels, however slow the machine.
        var secondStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _engine.Starting = (_, path, ct) =>
        {
            if (!path.Contains(images[1].ToString("N")))
                return;
            secondStarted.TrySetResult();
            ct.WaitHandle.WaitOne(HubInbox.SafetyTimeout);
        };
        var runId = await client.StartAsync("opinions", new { imageIds = images, model = ClipSurgeryAppFactory.ModelName, iterations = 100 });
        await secondStarted.Task.WaitAsync(HubInbox.SafetyTimeout);

        Assert.Equal(HttpStatusCode.NoContent, (await client.Http.PostAsync($"/api/runs/{runId}/cancel", null)).StatusCode);
        var cancelled = await client.WaitForFinishAsync(runId);
        Assert.Equal("Cancelled", cancelled.Status);
        Assert.Equal("Done", cancelled.Images[0].Status);
        Assert.Equal(["Cancelled", "Cancelled"], cancelled.Images.Skip(1).Select(i => i.Status));

        _engine.Starting = null;
        Assert.Equal(HttpStatusCode.NoContent, (await client.Http.PostAsync($"/api/runs/{runId}/retry", null)).StatusCode);
        var retried = await client.WaitForFinishAsync(runId);
        Assert.Equal("Succeeded", retried.Status);
        Assert.Equal(1, _engine.CallsFor("opinions", images[0].ToString("N")));
    }
}
