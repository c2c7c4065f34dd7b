using System.Diagnostics;
using ClipSurgeryWeb.Cli.Commands;
using ClipSurgeryWeb.Engine.Batch;
using ClipSurgeryWeb.Engine.Storage;
using ClipSurgeryWeb.Engine.Tests.Support;

namespace ClipSurgeryWeb.Engine.Tests.Batch;

/// <summary>
/// <c>runall</c> in a real child process killed with SIGKILL in the middle of a write (the test-only
/// <see cref="AtomicFile.HaltHookVariable"/> stops it at a known file and says so through a ready file; nothing
/// waits on a clock): the resumed run removes what the killed ones left and finishes.
/// </summary>
public sealed class KilledRunAllTests : IDisposable
{
    private static readonly TimeSpan SafetyTimeout = TimeSpan.FromMinutes(5);
    private readonly TempFolder temp = new("runall-kill-");

    public KilledRunAllTests()
    {
        Directory.CreateDirectory(temp["in"]);
        File.Copy(Shared.Image("bwcat_cat.png"), temp["in/bwcat_cat.png"]);
    }

    private string[] Args => ["runall", temp["in"], "--out", temp["out"], "--min-frequency", "2", .. SmallOpinions.Args(), .. SmallOpinions.EngineArgs(temp["models"])];

    [Fact]
    public async Task A_runall_killed_mid_write_leaves_leftovers_that_the_resumed_run_sweeps()
    {
        // Killed while writing the first map inside the image's staging folder.
        await RunAndKillAt("cs_", temp["ready-1"]);
        var staging = Assert.Single(Directory.GetDirectories(temp["out"]));
        Assert.Matches(@"^\.bwcat_cat\.partial-[0-9a-f]{32}$", Path.GetFileName(staging));
        Assert.Contains(Directory.GetFiles(staging), f => AtomicFile.IsTemporary(Path.GetFileName(f)) && Path.GetFileName(f).StartsWith(".cs_", StringComparison.Ordinal));

        // Killed while writing records.txt: the image was finished (its staging leftover swept first).
        await RunAndKillAt(RunAllFolders.RecordsFile, temp["ready-2"]);
        Assert.Equal(["bwcat_cat"], Directory.GetDirectories(temp["out"]).Select(Path.GetFileName));
        Assert.NotNull(RunAllFolders.FinishedIndex(temp["out/bwcat_cat"]));
        Assert.Single(Directory.GetFiles(temp["out"]), f => AtomicFile.IsTemporary(Path.GetFileName(f)));

        var resumed = await CliRun.RunAsync(Args);

        Assert.Equal(ExitCodes.Ok, resumed.ExitCode);
        Assert.Contains("removed 1 leftover(s) of an interrupted run", resumed.Errors);
        Assert.Contains("finished before, skipped", resumed.Errors);
        Assert.True(File.Exists(temp["out/" + RunAllFolders.RecordsFile]));
        Assert.Empty(Directory.GetFileSystemEntries(temp["out"], ".*", SearchOption.AllDirectories));
    }

    private async Task RunAndKillAt(string filePrefix, string ready)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "clipsurgery.dll");
        var start = new ProcessStartInfo(DotnetHost())
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(dll);
        foreach (var arg in Args)
            start.ArgumentList.Add(arg);
        start.Environment[AtomicFile.HaltHookVariable] = $"{filePrefix}|{ready}";

        using var child = Process.Start(start)!;
        var stderr = child.StandardError.ReadToEndAsync();
        var stdout = child.StandardOutput.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(SafetyTimeout);
        var exited = child.WaitForExitAsync(timeout.Token);
        var halted = WaitForFile(ready, timeout.Token);
        var first = await Task.WhenAny(exited, halted);
        if (first == exited || !File.Exists(ready))
        {
            if (!child.HasExited)
                child.Kill(entireProcessTree: true);
            Assert.Fail($"the child never reached {filePrefix}… (exit {(child.HasExited ? child.ExitCode : -1)}): {await stderr}{await stdout}");
        }
        child.Kill(entireProcessTree: true);   // SIGKILL on Linux: no finally block, no cleanup runs
        await child.WaitForExitAsync(CancellationToken.None);
        Assert.NotEqual(0, child.ExitCode);
    }

    /// <summary>The dotnet host running the tests (it runs the CLI's dll from the test output, beside its dependencies).</summary>
    private static string DotnetHost()
    {
        if (Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host))
            return host;
        var current = Environment.ProcessPath;
        return current is not null && Path.GetFileNameWithoutExtension(current) == "dotnet" ? current : "dotnet";
    }

    /// <summary>
    /// Completes when <paramref name="path"/> exists. Polled rather than watched (inotify instances are a per-user
    /// limit that busy CI machines run out of); the poll interval only delays the test, it decides nothing.
    /// </summary>
    private static async Task WaitForFile(string path, CancellationToken ct)
    {
        while (!File.Exists(path))
            await Task.Delay(50, ct);
    }

    public void Dispose() => temp.Dispose();
}
