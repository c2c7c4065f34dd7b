using ClipSurgeryWeb.Cli.Commands;
using ClipSurgeryWeb.Engine.Batch;
using ClipSurgeryWeb.Engine.Tests.Support;

namespace ClipSurgeryWeb.Engine.Tests.Batch;

/// <summary><c>clipsurgery runall</c> in-process on sample images with the tiny CLIP and SAM fixtures.</summary>
public sealed class RunAllCommandTests : IDisposable
{
    private readonly TempFolder temp = new("runall-cli-");

    public RunAllCommandTests()
    {
        Directory.CreateDirectory(temp["in"]);
        File.Copy(Shared.Image("bwcat_cat.png"), temp["in/bwcat_cat.png"]);
        File.Copy(Shared.Image("aaah.png"), temp["in/aaah.png"]);
        File.WriteAllText(temp["in/broken.png"], "not an image");
    }

    private Task<CliRun.Result> RunAll(TextWriter? errors = null, CancellationToken ct = default) => CliRun.RunAsync(
        ["runall", temp["in"], "--out", temp["out"], "--sam", Shared.Fixture("sam_vit_tiny.pth"), "--min-frequency", "2",
            .. SmallOpinions.Args(), .. SmallOpinions.EngineArgs(temp["models"])],
        errors, ct);

    [Fact]
    public async Task An_interrupted_runall_finishes_on_rerun_and_reports_the_failing_image()
    {
        // Interrupted (Ctrl+C) right after the first image (aaah) is done.
        using var cts = new CancellationTokenSource();
        var interrupted = await RunAll(new CliRun.CancelOnLine("[1/3] aaah.png:", cts), cts.Token);

        Assert.Equal(ExitCodes.Interrupted, interrupted.ExitCode);
        Assert.Contains("error: interrupted:", interrupted.Errors);
        var aaah = RunAllFolders.FinishedIndex(temp["out/aaah"]);
        Assert.NotNull(aaah);
        Assert.Equal(["aaah"], Directory.GetDirectories(temp["out"]).Select(Path.GetFileName));

        var resumed = await RunAll();

        Assert.Equal(ExitCodes.SomeFailed, resumed.ExitCode);
        Assert.Contains("[1/3] aaah.png: finished before, skipped", resumed.Errors);
        Assert.Contains($"error: [2/3] broken.png: {temp["in/broken.png"]}: not a readable image", resumed.Errors);
        Assert.Contains("[3/3] bwcat_cat.png: ", resumed.Errors);
        Assert.Equal(aaah.Finished, RunAllFolders.FinishedIndex(temp["out/aaah"])!.Finished);
        var cat = RunAllFolders.FinishedIndex(temp["out/bwcat_cat"]);
        Assert.NotNull(cat);
        Assert.Contains(cat.Files, f => f.Kind == FileKinds.Mask);
        Assert.True(File.Exists(temp["out/" + RunAllFolders.RecordsFile]));
        Assert.False(Directory.Exists(temp["out/broken"]));

        var third = await RunAll();
        Assert.Equal(ExitCodes.SomeFailed, third.ExitCode);
        Assert.Contains("[3/3] bwcat_cat.png: finished before, skipped", third.Errors);
    }

    [Fact]
    public async Task A_folder_without_images_or_a_bad_sam_file_is_refused_before_any_work()
    {
        Directory.CreateDirectory(temp["empty"]);
        var noImages = await CliRun.RunAsync(["runall", temp["empty"], "--out", temp["out"], .. SmallOpinions.EngineArgs(temp["models"])]);
        var badSam = await CliRun.RunAsync(["runall", temp["in"], "--out", temp["out"], "--sam", temp["in/broken.png"], .. SmallOpinions.EngineArgs(temp["models"])]);

        Assert.Equal(ExitCodes.Unusable, noImages.ExitCode);
        Assert.Contains($"error: {temp["empty"]}: holds no image", noImages.Errors);
        Assert.Equal(ExitCodes.Unusable, badSam.ExitCode);
        Assert.Contains($"error: {temp["in/broken.png"]}:", badSam.Errors);
        Assert.False(Directory.Exists(temp["out"]));
    }

    public void Dispose() => temp.Dispose();
}
