using System.Diagnostics;
using ClipSurgeryWeb.Engine.Storage;
using ClipSurgeryWeb.Engine.Tests.Support;

namespace ClipSurgeryWeb.Engine.Tests.Storage;

/// <summary>
/// A sweep removes only what no live writer holds: two processes writing into the same output folder (a runall and an
/// explain, two explains of cat.jpg) no longer delete each other's staging folders, set-aside results or temporaries,
/// while what a dead writer left is still swept.
/// </summary>
public sealed class LiveWriterSweepTests : IDisposable
{
    private const string Live = "0123456789abcdef0123456789abcdef";
    private const string Dead = "fedcba9876543210fedcba9876543210";
    private readonly TempFolder temp = new("live-sweep-");

    /// <summary>
    /// The live writer is another process: <c>flock(1)</c> holds the lock files as a writer of ours would, so this also
    /// shows that .NET's <see cref="FileShare.None"/> is the advisory <c>flock</c> other processes honour. The dead
    /// writer's lock files exist but are held by no one, as after a kill -9.
    /// </summary>
    [Fact]
    public void What_another_live_process_holds_survives_a_sweep_and_what_a_dead_one_left_is_swept()
    {
        Directory.CreateDirectory(temp[$".demo.partial-{Live}"]);
        File.WriteAllText(temp[$".demo.partial-{Live}/cs_cat.png"], "half");
        Directory.CreateDirectory(temp[$".mid.old-{Live}"]);   // mid-publish: "mid" moved aside, the new one not in yet
        File.WriteAllText(temp[$".records.txt.tmp-{Live}"], "half");
        Directory.CreateDirectory(temp[$".demo.partial-{Dead}"]);
        File.WriteAllText(temp[$".demo.partial-{Dead}.lock"], "");
        File.WriteAllText(temp[$".records.txt.tmp-{Dead}"], "half");
        File.WriteAllText(temp[$".records.txt.tmp-{Dead}.lock"], "");

        List<string> swept;
        using (var holder = Hold(temp[$".demo.partial-{Live}.lock"], temp[$".mid.partial-{Live}.lock"], temp[$".records.txt.tmp-{Live}.lock"]))
        {
            swept = [.. StagedFolder.SweepLeftovers(temp.Path)];

            Assert.True(File.Exists(temp[$".demo.partial-{Live}/cs_cat.png"]));
            Assert.True(Directory.Exists(temp[$".mid.old-{Live}"]));
            Assert.False(Directory.Exists(temp["mid"]));
            Assert.True(File.Exists(temp[$".records.txt.tmp-{Live}"]));
            Release(holder);
        }

        Assert.Equal([temp[$".demo.partial-{Dead}"], temp[$".records.txt.tmp-{Dead}"]], swept.Order(StringComparer.Ordinal));
        Assert.False(File.Exists(temp[$".demo.partial-{Dead}.lock"]));
        Assert.False(File.Exists(temp[$".records.txt.tmp-{Dead}.lock"]));

        // Its writer gone, the same leftovers are swept and the set-aside result comes back.
        StagedFolder.SweepLeftovers(temp.Path);
        Assert.Equal(["mid"], Directory.GetFileSystemEntries(temp.Path).Select(Path.GetFileName));
    }

    /// <summary>
    /// In one process, as two handles: flock locks belong to the open file, not the process, so the second staged
    /// folder's sweep is refused the first one's lock just as another process's would be.
    /// </summary>
    [Fact]
    public void A_second_staged_folder_of_the_same_target_leaves_the_first_ones_writes_alone()
    {
        using var first = new StagedFolder(temp["cat"]);
        File.WriteAllText(Path.Combine(first.Path, "cs_cat.png"), "first");

        using (var second = new StagedFolder(temp["cat"]))
        {
            Assert.Equal("first", File.ReadAllText(Path.Combine(first.Path, "cs_cat.png")));
            File.WriteAllText(Path.Combine(second.Path, "cs_cat.png"), "second");
            second.Publish();
        }
        first.Publish();

        Assert.Equal("first", File.ReadAllText(temp["cat/cs_cat.png"]));
        Assert.Equal(["cat"], Directory.GetFileSystemEntries(temp.Path).Select(Path.GetFileName));
    }

    /// <summary>A child process holding exclusive flocks on the files; returns once it holds them all (it says so).</summary>
    private static Process Hold(params string[] locks)
    {
        var script = string.Join(" ", locks.Select((_, i) => $"exec {i + 3}>\"$LOCK{i}\"; flock -x -n {i + 3} || exit 1;")) + " echo held; read line";
        var start = new ProcessStartInfo("bash", ["-c", script]) { RedirectStandardInput = true, RedirectStandardOutput = true };
        for (int i = 0; i < locks.Length; i++)
        {
            File.WriteAllText(locks[i], "");
            start.Environment[$"LOCK{i}"] = locks[i];
        }
        var holder = Process.Start(start)!;
        Assert.Equal("held", holder.StandardOutput.ReadLine());
        return holder;
    }

    private static void Release(Process holder)
    {
        holder.StandardInput.WriteLine();
        holder.WaitForExit();
        Assert.Equal(0, holder.ExitCode);
    }

    public void Dispose() => temp.Dispose();
}
