using ClipSurgeryWeb.Tests.Fakes;
using ClipSurgeryWeb.Web.Tests.Support;

namespace ClipSurgeryWeb.Web.Tests.Integration;

/// <summary>A kill -9 during a write leaves temporary files in the data folder; the next start removes them.</summary>
public sealed class StartupSweepTests
{
    [Fact]
    public async Task Start_up_removes_what_a_killed_process_left_half_written_and_keeps_finished_files()
    {
        var root = Directory.CreateTempSubdirectory("csw-web-").FullName;
        var data = Path.Combine(root, "data");
        var results = Directory.CreateDirectory(Path.Combine(data, "results", Guid.NewGuid().ToString("N"), Guid.NewGuid().ToString("N"))).FullName;
        var uploads = Directory.CreateDirectory(Path.Combine(data, "uploads")).FullName;
        var thumbnails = Directory.CreateDirectory(Path.Combine(data, "thumbnails")).FullName;
        string[] leftovers =
        [
            Path.Combine(results, $".cs_cat.png.tmp-{Guid.NewGuid():N}"),
            Path.Combine(uploads, $"{Guid.NewGuid():N}.part"),
            Path.Combine(thumbnails, $".{Guid.NewGuid():N}_512.jpg.tmp-{Guid.NewGuid():N}"),
        ];
        var finished = Path.Combine(results, "plain_cat.png");
        foreach (var file in leftovers.Append(finished))
            File.WriteAllBytes(file, []);

        var factory = new ClipSurgeryAppFactory(root, new FakeClipEngine(), ClipSurgeryAppFactory.CreateFakeModels(root));
        try
        {
            using var client = await AppClient.LoginAsync(factory);

            Assert.All(leftovers, file => Assert.False(File.Exists(file), file));
            Assert.True(File.Exists(finished));
        }
        finally
        {
            factory.Dispose();
            factory.DeleteFiles();
        }
    }
}
