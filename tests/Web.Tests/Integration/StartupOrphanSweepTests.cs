using ClipSurgeryWeb.Tests.Fakes;
using ClipSurgeryWeb.Web.Tests.Support;

namespace ClipSurgeryWeb.Web.Tests.Integration;

/// <summary>
/// A process killed in the middle of an upload, before its row was saved, leaves an original or a thumbnail under its
/// final name with no row; the next start removes them and keeps every image that has a row.
/// </summary>
public sealed class StartupOrphanSweepTests
{
    [Theory]
    [InlineData(false)] // killed after the thumbnail was written, before the original was moved in (the old order)
    [InlineData(true)] // killed after the original was moved in, before its row was saved
    public async Task Start_up_removes_the_originals_and_thumbnails_an_interrupted_upload_left_without_a_row(bool originalMoved)
    {
        var root = Directory.CreateTempSubdirectory("csw-web-").FullName;
        var data = Path.Combine(root, "data");
        var models = ClipSurgeryAppFactory.CreateFakeModels(root);
        Guid kept;
        var first = new ClipSurgeryAppFactory(root, new FakeClipEngine(), models);
        try
        {
            using var client = await AppClient.LoginAsync(first);
            kept = await client.UploadImageAsync();
        }
        finally
        {
            first.Dispose();
        }
        var keptFiles = Directory.EnumerateFiles(Path.Combine(data, "uploads")).Concat(Directory.EnumerateFiles(Path.Combine(data, "thumbnails"))).ToList();
        Assert.Equal(2, keptFiles.Count);
        var orphan = Guid.NewGuid();
        var leftovers = new List<string> { Path.Combine(data, "thumbnails", $"{orphan:N}_512.jpg") };
        if (originalMoved)
            leftovers.Add(Path.Combine(data, "uploads", $"{orphan:N}.png"));
        foreach (var file in leftovers)
            File.WriteAllBytes(file, [1, 2, 3]);

        var second = new ClipSurgeryAppFactory(root, new FakeClipEngine(), models);
        try
        {
            using var client = await AppClient.LoginAsync(second);

            Assert.All(leftovers, file => Assert.False(File.Exists(file), file));
            Assert.All(keptFiles, file => Assert.True(File.Exists(file), file));
            Assert.Equal(System.Net.HttpStatusCode.OK, (await client.Http.GetAsync($"/api/images/{kept}")).StatusCode);
        }
        finally
        {
            second.Dispose();
            second.DeleteFiles();
        }
    }
}
