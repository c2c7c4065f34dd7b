using ClipSurgeryWeb.Cli.Commands;
using ClipSurgeryWeb.Engine.Tests.Support;

namespace ClipSurgeryWeb.Engine.Tests.Cli;

/// <summary>
/// Every command that writes refuses an <c>--out</c> it cannot write to before it loads a model: exit 2 and one line
/// naming the folder and the reason. (Tests run as root, whom file permissions do not stop, so "not writable" is
/// shown with /sys, where even root cannot create files; a read-only mount cannot be made without privileges.)
/// </summary>
public sealed class OutputFolderCommandTests : IDisposable
{
    private readonly TempFolder temp = new("out-check-");

    public OutputFolderCommandTests()
    {
        Directory.CreateDirectory(temp["in"]);
        File.Copy(Shared.Image("bwcat_cat.png"), temp["in/bwcat_cat.png"]);
        File.WriteAllText(temp["a-file"], "not a folder");
    }

    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (var command in new[] { "explain", "opinions", "runall", "segment" })
        {
            foreach (var place in new[] { "file", "under-file", "proc", "sys" })
                data.Add(command, place);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task An_unusable_out_folder_is_refused_before_the_model_loads(string command, string place)
    {
        var (outDir, reason) = place switch
        {
            "file" => (temp["a-file"], "is a file, not a folder"),
            "under-file" => (temp["a-file/results"], $"is under {temp["a-file"]}, which is a file"),
            "proc" => ("/proc/clipsurgery-results", "is under /proc"),
            _ => ("/sys/clipsurgery-results", "/sys"),
        };

        var result = await CliRun.RunAsync([.. Args(command), "--out", outDir]);

        Assert.Equal(ExitCodes.Unusable, result.ExitCode);
        var lines = result.Errors.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var line = Assert.Single(lines);
        Assert.StartsWith($"error: --out {outDir}: ", line);
        Assert.Contains(reason, line);
        if (place == "sys")
            Assert.True(line.Contains("permission denied") || line.Contains("read-only"), line);
        Assert.DoesNotContain("model", line);
    }

    private string[] Args(string command) => command switch
    {
        "explain" => ["explain", temp["in/bwcat_cat.png"], "--labels", "cat", .. SmallOpinions.EngineArgs(temp["models"])],
        "opinions" => ["opinions", temp["in/bwcat_cat.png"], .. SmallOpinions.Args(), .. SmallOpinions.EngineArgs(temp["models"])],
        "runall" => ["runall", temp["in"], .. SmallOpinions.Args(), .. SmallOpinions.EngineArgs(temp["models"])],
        _ => ["segment", temp["in/bwcat_cat.png"], "--sam", Shared.Fixture("sam_vit_tiny.pth"), "--targets", "cat", .. SmallOpinions.EngineArgs(temp["models"])],
    };

    public void Dispose() => temp.Dispose();
}
