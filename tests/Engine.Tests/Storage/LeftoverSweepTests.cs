using ClipSurgeryWeb.Engine.Storage;
using ClipSurgeryWeb.Engine.Tests.Support;

namespace ClipSurgeryWeb.Engine.Tests.Storage;

/// <summary>
/// What interrupted writes leave (the names <see cref="StagedFolder"/>, <see cref="AtomicFile"/> and
/// <see cref="OutputFolder"/> make) is swept; a user's files, hidden or not, never are.
/// </summary>
public sealed class LeftoverSweepTests : IDisposable
{
    private const string Id = "0123456789abcdef0123456789abcdef";
    private readonly TempFolder temp = new("sweep-");

    [Fact]
    public void Staging_folders_temporaries_and_probes_are_removed_and_user_files_kept()
    {
        Directory.CreateDirectory(temp[$".demo.partial-{Id}"]);
        File.WriteAllText(temp[$".demo.partial-{Id}/tokens.csv"], "Token,Frequency\n");
        File.WriteAllText(temp[$".records.txt.tmp-{Id}"], "half");
        File.WriteAllText(temp[$".clipsurgery-probe-{Id}"], "");
        Directory.CreateDirectory(temp["demo"]);
        File.WriteAllText(temp["demo/cs_cat.png"], "result");
        string[] users = [".demo.partial-notes", $"demo.partial-{Id}", ".x.tmp-123", ".hidden", $"records.txt.tmp-{Id}", "notes.txt"];
        foreach (var name in users)
            File.WriteAllText(temp[name], "mine");
        Directory.CreateDirectory(temp[$"folder.old-{Id}"]);

        var swept = StagedFolder.SweepLeftovers(temp.Path);

        Assert.Equal(3, swept.Count);
        string[] kept = [.. users, $"folder.old-{Id}", "demo"];
        Assert.Equal(kept.Order(StringComparer.Ordinal), Directory.GetFileSystemEntries(temp.Path).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        foreach (var name in users)
            Assert.True(File.Exists(temp[name]), name);
        Assert.True(Directory.Exists(temp[$"folder.old-{Id}"]));
        Assert.Equal("result", File.ReadAllText(temp["demo/cs_cat.png"]));
        Assert.Empty(StagedFolder.SweepLeftovers(temp.Path));
    }

    [Fact]
    public void A_result_set_aside_by_a_publish_that_was_killed_comes_back()
    {
        // Killed between moving the earlier result aside and moving the new one in: no "demo" at all.
        Directory.CreateDirectory(temp[$".demo.old-{Id}"]);
        File.WriteAllText(temp[$".demo.old-{Id}/cs_cat.png"], "earlier");
        Directory.CreateDirectory(temp[$".demo.partial-{Id.Replace('0', 'f')}"]);
        // A set-aside result next to a published one is simply removed.
        Directory.CreateDirectory(temp["other"]);
        Directory.CreateDirectory(temp[$".other.old-{Id}"]);

        StagedFolder.SweepLeftovers(temp.Path);

        Assert.Equal(["demo", "other"], Directory.GetFileSystemEntries(temp.Path).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Equal("earlier", File.ReadAllText(temp["demo/cs_cat.png"]));
    }

    [Fact]
    public void A_new_staged_folder_sweeps_the_leftovers_of_its_own_target_only()
    {
        Directory.CreateDirectory(temp[$".demo.partial-{Id}"]);
        Directory.CreateDirectory(temp[$".other.partial-{Id}"]);
        Directory.CreateDirectory(temp["demo"]);
        File.WriteAllText(temp[$"demo/.maps.safetensors.tmp-{Id}"], "half");

        using (var staged = new StagedFolder(temp["demo"]))
        {
            File.WriteAllText(Path.Combine(staged.Path, "cs_cat.png"), "new");
            staged.Publish();
        }

        Assert.Equal([".other.partial-" + Id, "demo"], Directory.GetFileSystemEntries(temp.Path).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Equal(["cs_cat.png"], Directory.GetFileSystemEntries(temp["demo"]).Select(Path.GetFileName));
    }

    public void Dispose() => temp.Dispose();
}
