using ClipSurgeryWeb.Cli;
using ClipSurgeryWeb.Cli.Terminal;
using ClipSurgeryWeb.Engine.Tests.Support;
using TorchSharp.PyBridge;

namespace ClipSurgeryWeb.Engine.Tests.Cli;

/// <summary><c>clipsurgery explain --image-batch N</c>: checked before any model loads, and the same outputs as one image at a time.</summary>
public sealed class ExplainImageBatchTests : IDisposable
{
    private readonly DirectoryInfo work = Directory.CreateTempSubdirectory("explain-batch-");

    private Task<CliRun.Result> Run(string output, params string[] extra) => CliRun.RunAsync(
    [
        "explain", .. extra,
        "--vocab", Shared.Vocab, "--models-dir", Path.Combine(work.FullName, "models"), "--out", Path.Combine(work.FullName, output), "--device", "cpu",
    ]);

    [Theory]
    [InlineData("0")]
    [InlineData("257")]
    [InlineData("-3")]
    public async Task An_image_batch_outside_1_to_256_is_refused_by_name_before_any_work(string n)
    {
        var result = await Run("out", Shared.Image("demo.jpg"), "--model", TinyModels.VitPath, "--labels", "cat", "--image-batch", n);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains($"--image-batch {n}", result.Errors);
        Assert.Contains("outside 1…256", result.Errors);
        Assert.False(Directory.Exists(Path.Combine(work.FullName, "out", "demo")));
    }

    [Fact]
    public async Task Images_in_batches_write_the_same_files_and_maps_as_one_at_a_time_and_a_bad_one_fails_alone()
    {
        var bad = Path.Combine(work.FullName, "notes.png");
        File.WriteAllText(bad, "this is text, not a picture");
        string[] images = [Shared.Image("demo.jpg"), Shared.Image("bwcat_cat.png"), bad, Shared.Image("cliptestcube.png"), Shared.Image("751.png")];
        string[] options = ["--model", TinyModels.VitPath, "--labels", "cat,dog,person,bench", "--targets", "bench,person+bench", "--modes", "cs,plain,single", "--save-maps"];

        var alone = await Run("alone", [.. images, .. options, "--image-batch", "1"]);
        var together = await Run("together", [.. images, .. options, "--image-batch", "3"]);

        Assert.Equal((1, 1), (alone.ExitCode, together.ExitCode));
        Assert.Contains(together.Errors.Split('\n'), l => l.Contains(bad) && l.Contains("not a readable image"));
        foreach (var stem in new[] { "demo", "bwcat_cat", "cliptestcube", "751" })
        {
            var expected = Directory.GetFiles(Path.Combine(work.FullName, "alone", stem)).Select(Path.GetFileName).Order();
            Assert.Equal(expected, Directory.GetFiles(Path.Combine(work.FullName, "together", stem)).Select(Path.GetFileName).Order());
            var a = Safetensors.LoadStateDict(Path.Combine(work.FullName, "alone", stem, "maps.safetensors"));
            var b = Safetensors.LoadStateDict(Path.Combine(work.FullName, "together", stem, "maps.safetensors"));
            Assert.Equal(a.Keys.Order(), b.Keys.Order());
            foreach (var key in a.Keys)
            {
                if (key.StartsWith("point", StringComparison.Ordinal))
                    Assert.Equal(a[key].data<long>().ToArray(), b[key].data<long>().ToArray());
                else
                    Golden.AssertClose(a[key], b[key], 1e-5, $"{stem} {key}");
            }
        }
        Assert.False(Directory.Exists(Path.Combine(work.FullName, "together", "notes")));
    }

    public void Dispose() => work.Delete(recursive: true);
}
