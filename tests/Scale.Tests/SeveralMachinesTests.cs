using System.Text.Json;
using System.Text.RegularExpressions;
using ClipSurgeryWeb.Scale.Tests.Support;

namespace ClipSurgeryWeb.Scale.Tests;

/// <summary>
/// The README's several-machines setup, for real: PostgreSQL, the web app without a job server, and worker processes with
/// one shared data folder, driven over HTTP and the live hub as a member would. Work is small (tiny fixture model,
/// 48×40 images, one thread per process). Nothing asserts a duration: every wait is for a condition.
/// </summary>
public sealed partial class SeveralMachinesTests
{
    private static readonly string[] Labels = ["cat", "dog"];
    private static readonly string[] Modes = ["cs", "plain"];
    /// <summary>An explain of labels cat, dog (Surgery and plain): the maps, the safetensors of them and CLIP's zero-shot ranking of the labels.</summary>
    private static readonly string[] ExpectedFiles = ["cs_cat.png", "cs_dog.png", "maps.safetensors", "plain_cat.png", "plain_dog.png", "scores.json"];

    [Fact]
    public async Task A_batch_is_spread_over_two_workers_each_image_done_once_and_both_workers_progress_reaches_the_live_feed()
    {
        await using var cluster = await ScaleCluster.StartAsync();
        await cluster.StartWebAsync();
        await using var member = await LoggedInAsync(cluster);
        await member.ConnectHubAsync();
        var a = await cluster.StartWorkerAsync("worker-a", cluster.ModelsFolder("a"));
        var b = await cluster.StartWorkerAsync("worker-b", cluster.ModelsFolder("b"));

        var runId = await StartBatchAsync(member, images: 10);
        var run = await member.WaitForFinishAsync(runId, ScaleCluster.Patience);

        Assert.Equal("Succeeded", run.GetProperty("status").GetString());
        var doneBy = DoneBy(runId, a, b);
        AssertEveryImageDoneOnce(run, doneBy);
        Assert.Contains(doneBy.Values, w => w == a.Name);
        Assert.Contains(doneBy.Values, w => w == b.Name);
        await AssertResultsCompleteAsync(cluster, run);
        // The live feed: progress of images each worker computed reached the member through the web app's hub.
        var fed = member.Events.Where(e => e.TryGetProperty("jobImageId", out var id) && id.ValueKind == JsonValueKind.String)
            .Select(e => e.GetProperty("jobImageId").GetGuid()).ToHashSet();
        Assert.Contains(doneBy, d => d.Value == a.Name && fed.Contains(d.Key));
        Assert.Contains(doneBy, d => d.Value == b.Name && fed.Contains(d.Key));
    }

    [Fact]
    public async Task A_worker_killed_in_the_middle_of_an_image_loses_it_to_the_other_when_its_lease_expires()
    {
        var lease = TimeSpan.FromSeconds(6);
        await using var cluster = await ScaleCluster.StartAsync();
        await cluster.StartWebAsync();
        await using var member = await LoggedInAsync(cluster);
        var a = await cluster.StartWorkerAsync("worker-a", cluster.ModelsFolder("a"), lease);
        var b = await cluster.StartWorkerAsync("worker-b", cluster.ModelsFolder("b"), lease);
        var runId = await StartBatchAsync(member, images: 8);

        // kill -9 while worker A holds an image it is computing (its claim names its process).
        var deadline = DateTime.UtcNow + ScaleCluster.Patience;
        List<Guid> heldByA;
        while ((heldByA = await ClaimedByAsync(cluster, a.Id)).Count == 0)
        {
            Assert.True(DateTime.UtcNow < deadline, $"worker A never held an image; its log: {a.LogPath}");
            await Task.Delay(50);
        }
        a.Kill();
        var interrupted = Assert.Single(await ClaimedByAsync(cluster, a.Id));

        var run = await member.WaitForFinishAsync(runId, ScaleCluster.Patience);

        Assert.Equal("Succeeded", run.GetProperty("status").GetString());
        var doneBy = DoneBy(runId, a, b);
        AssertEveryImageDoneOnce(run, doneBy);
        // B claimed the dead worker's image (its lease had expired) and finished it.
        Assert.Equal(b.Name, doneBy[interrupted]);
        Assert.Contains(b.Lines, l => l.Contains($"Image {interrupted} of run {runId} claimed by"));
        await AssertResultsCompleteAsync(cluster, run);
    }

    [Fact]
    public async Task A_worker_without_the_model_fails_only_the_images_it_took_naming_the_model()
    {
        await using var cluster = await ScaleCluster.StartAsync();
        await cluster.StartWebAsync();
        await using var member = await LoggedInAsync(cluster);
        var a = await cluster.StartWorkerAsync("worker-a", cluster.ModelsFolder("a"));
        var bare = await cluster.StartWorkerAsync("worker-without-model", cluster.ModelsFolder("bare", withClip: false));

        var runId = await StartBatchAsync(member, images: 8);
        var run = await member.WaitForFinishAsync(runId, ScaleCluster.Patience);

        var claimedByBare = Claims(runId, bare);
        Assert.NotEmpty(claimedByBare);
        var doneBy = DoneBy(runId, a, bare);
        foreach (var image in run.GetProperty("images").EnumerateArray())
        {
            var id = image.GetProperty("id").GetGuid();
            if (claimedByBare.Contains(id))
            {
                Assert.Equal("Failed", image.GetProperty("status").GetString());
                Assert.Contains(ScaleCluster.ClipModel, image.GetProperty("error").GetString());
                Assert.False(doneBy.ContainsKey(id));
            }
            else
            {
                Assert.Equal("Done", image.GetProperty("status").GetString());
                Assert.Equal(a.Name, doneBy[id]);
            }
        }
        Assert.Equal(claimedByBare.Count == 8 ? "Failed" : "CompletedWithErrors", run.GetProperty("status").GetString());
    }

    [Fact]
    public async Task The_web_app_killed_and_restarted_mid_batch_loses_nothing_while_workers_keep_going()
    {
        await using var cluster = await ScaleCluster.StartAsync();
        var web = await cluster.StartWebAsync();
        Guid runId;
        var a = await cluster.StartWorkerAsync("worker-a", cluster.ModelsFolder("a"));
        var b = await cluster.StartWorkerAsync("worker-b", cluster.ModelsFolder("b"));
        await using (var member = await LoggedInAsync(cluster))
        {
            runId = await StartBatchAsync(member, images: 8);
            await WaitForDoneLinesAsync(runId, 1, a, b);
        }

        web.Kill();
        // While there is no web app, the workers go on: another image is done.
        var doneBeforeRestart = DoneBy(runId, a, b).Count;
        if (doneBeforeRestart < 8)
            await WaitForDoneLinesAsync(runId, doneBeforeRestart + 1, a, b);
        await cluster.StartWebAsync();

        await using var again = await LoggedInAsync(cluster);
        var run = await again.WaitForFinishAsync(runId, ScaleCluster.Patience);
        Assert.Equal("Succeeded", run.GetProperty("status").GetString());
        AssertEveryImageDoneOnce(run, DoneBy(runId, a, b));
        await AssertResultsCompleteAsync(cluster, run);
    }

    private static async Task<WebSession> LoggedInAsync(ScaleCluster cluster)
    {
        var session = new WebSession(cluster.WebAddress);
        await session.LoginAsync(ScaleCluster.AdminEmail, ScaleCluster.AdminPassword);
        return session;
    }

    private static async Task<Guid> StartBatchAsync(WebSession member, int images)
    {
        var ids = await member.UploadAsync(Enumerable.Range(0, images).Select(i => ($"img{i}.png", TinyPng.Make(i))).ToList());
        return await member.StartExplainAsync(new { imageIds = ids, model = ScaleCluster.ClipModel, labels = Labels, modes = Modes });
    }

    /// <summary>Run images a worker claimed and has not released (its holder names the worker's process id).</summary>
    private static Task<List<Guid>> ClaimedByAsync(ScaleCluster cluster, int pid) =>
        cluster.QueryAsync("SELECT \"Id\" FROM \"RunImages\" WHERE \"ClaimedBy\" LIKE @holder AND \"Status\" = 'Running'",
            r => r.GetGuid(0), ("holder", $"%:{pid}:%"));

    /// <summary>Which worker logged each run image as done; fails when an image was done twice (by one or by both).</summary>
    private static Dictionary<Guid, string> DoneBy(Guid runId, params AppProcess[] workers)
    {
        var doneBy = new Dictionary<Guid, string>();
        foreach (var worker in workers)
        {
            foreach (var line in worker.Lines)
            {
                var match = DoneLine().Match(line);
                if (!match.Success || Guid.Parse(match.Groups[2].Value) != runId)
                    continue;
                var image = Guid.Parse(match.Groups[1].Value);
                Assert.True(doneBy.TryAdd(image, worker.Name), $"image {image} was done by {doneBy.GetValueOrDefault(image)} and again by {worker.Name}");
            }
        }
        return doneBy;
    }

    private static HashSet<Guid> Claims(Guid runId, AppProcess worker) => worker.Lines
        .Select(l => ClaimLine().Match(l))
        .Where(m => m.Success && Guid.Parse(m.Groups[2].Value) == runId)
        .Select(m => Guid.Parse(m.Groups[1].Value))
        .ToHashSet();

    private static async Task WaitForDoneLinesAsync(Guid runId, int count, params AppProcess[] workers)
    {
        var deadline = DateTime.UtcNow + ScaleCluster.Patience;
        while (DoneBy(runId, workers).Count < count)
        {
            Assert.True(DateTime.UtcNow < deadline, $"fewer than {count} images were done; logs: {string.Join(", ", workers.Select(w => w.LogPath))}");
            await Task.Delay(100);
        }
    }

    private static void AssertEveryImageDoneOnce(JsonElement run, Dictionary<Guid, string> doneBy)
    {
        var images = run.GetProperty("images").EnumerateArray().ToList();
        Assert.All(images, i => Assert.Equal("Done", i.GetProperty("status").GetString()));
        Assert.Equal(images.Select(i => i.GetProperty("id").GetGuid()).Order(), doneBy.Keys.Order());
    }

    /// <summary>
    /// One set of result rows and files per image: the rows the page lists, the files in the shared folder, the same
    /// names, none twice; and no temporary file of an interrupted write left anywhere under the results.
    /// </summary>
    private static async Task AssertResultsCompleteAsync(ScaleCluster cluster, JsonElement run)
    {
        var runId = run.GetProperty("id").GetGuid();
        foreach (var image in run.GetProperty("images").EnumerateArray())
        {
            var id = image.GetProperty("id").GetGuid();
            var listed = image.GetProperty("files").EnumerateArray().Select(f => f.GetProperty("fileName").GetString()!).Order(StringComparer.Ordinal).ToList();
            Assert.Equal(ExpectedFiles, listed);
            var rows = await cluster.QueryAsync("SELECT \"FileName\" FROM \"Files\" WHERE \"JobImageId\" = @id", r => r.GetString(0), ("id", id));
            Assert.Equal(ExpectedFiles, rows.Order(StringComparer.Ordinal));
            var folder = Path.Combine(cluster.DataDir, "results", runId.ToString("N"), id.ToString("N"));
            Assert.Equal(ExpectedFiles, Directory.EnumerateFiles(folder).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        }
        var leftovers = Directory.EnumerateFileSystemEntries(Path.Combine(cluster.DataDir, "results"), ".*", SearchOption.AllDirectories).ToList();
        Assert.Empty(leftovers);
        var stillClaimed = await cluster.QueryAsync("SELECT \"Id\" FROM \"RunImages\" WHERE \"RunId\" = @run AND \"ClaimedBy\" IS NOT NULL",
            r => r.GetGuid(0), ("run", runId));
        Assert.Empty(stillClaimed);
    }

    [GeneratedRegex(@"Image ([0-9a-f-]{36}) of run ([0-9a-f-]{36}) done by")]
    private static partial Regex DoneLine();

    [GeneratedRegex(@"Image ([0-9a-f-]{36}) of run ([0-9a-f-]{36}) claimed by")]
    private static partial Regex ClaimLine();
}
