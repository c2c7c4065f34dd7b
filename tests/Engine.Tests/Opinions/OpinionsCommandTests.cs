using ClipSurgeryWeb.Cli.Commands;
using ClipSurgeryWeb.Engine.Opinions;
using ClipSurgeryWeb.Engine.Tests.Support;

namespace ClipSurgeryWeb.Engine.Tests.Opinions;

/// <summary><c>clipsurgery opinions</c> in-process on the ViT fixture.</summary>
public sealed class OpinionsCommandTests : IDisposable
{
    private readonly TempFolder temp = new("opinions-cli-");

    private Task<CliRun.Result> Opinions(string outDir, params string[] images) =>
        CliRun.RunAsync(["opinions", .. images, "--out", outDir, .. SmallOpinions.Args(seed: 5), .. SmallOpinions.EngineArgs(temp["models"])]);

    [Fact]
    public async Task Opinions_of_sample_images_are_written_per_image_and_repeat_with_the_same_seed()
    {
        string[] images = [Shared.Image("bwcat_cat.png"), Shared.Image("aaah.png")];
        var first = await Opinions(temp["a"], images);
        var second = await Opinions(temp["b"], images);

        Assert.Equal(ExitCodes.Ok, first.ExitCode);
        Assert.Equal(ExitCodes.Ok, second.ExitCode);
        foreach (var stem in new[] { "bwcat_cat", "aaah" })
        {
            var csv = File.ReadAllText(Path.Combine(temp["a"], stem, OpinionFiles.TokensFile));
            Assert.StartsWith("Token,Frequency\n", csv);
            Assert.Equal(csv, File.ReadAllText(Path.Combine(temp["b"], stem, OpinionFiles.TokensFile)));
            Assert.NotEmpty(OpinionFiles.ReadWords(Path.Combine(temp["a"], stem)));
            var info = OpinionFiles.ReadInfo(Path.Combine(temp["a"], stem))!;
            Assert.Equal((5L, "clip_vit_tiny_jit.pt", stem + ".png", 12), (info.Seed, info.Model, info.Image, info.Iterations));
        }
        Assert.Contains("bwcat_cat: 6/12 loss", first.Errors);   // plain progress lines at check-ins when stderr is not a terminal
        Assert.Contains("[2/2]", first.Errors);
    }

    [Fact]
    public async Task A_bad_image_is_reported_by_name_and_the_others_are_written()
    {
        var broken = temp["broken.png"];
        File.WriteAllText(broken, "not an image");

        var run = await Opinions(temp["out"], broken, Shared.Image("bwcat_dog.png"));

        Assert.Equal(ExitCodes.SomeFailed, run.ExitCode);
        Assert.Contains($"error: {broken}: not a readable image", run.Errors);
        Assert.True(File.Exists(Path.Combine(temp["out"], "bwcat_dog", OpinionFiles.TokensFile)));
        Assert.False(Directory.Exists(Path.Combine(temp["out"], "broken")));
    }

    [Theory]
    [InlineData("--tokens", "80")]
    [InlineData("--iterations", "0")]
    [InlineData("--views", "-1")]
    public async Task Settings_that_cannot_run_stop_before_any_work_naming_the_option(string option, string value)
    {
        var run = await CliRun.RunAsync(["opinions", Shared.Image("bwcat_cat.png"), option, value, "--out", temp["out"], .. SmallOpinions.EngineArgs(temp["models"])]);

        Assert.Equal(ExitCodes.Unusable, run.ExitCode);
        Assert.Contains($"error: {option}: {value} is outside", run.Errors);
        Assert.False(Directory.Exists(temp["out"]));
    }

    public void Dispose() => temp.Dispose();
}
