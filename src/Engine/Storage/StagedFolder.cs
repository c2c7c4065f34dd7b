using System.Text.RegularExpressions;

namespace ClipSurgeryWeb.Engine.Storage;

/// <summary>
/// A result folder that appears whole or not at all: files are written into a hidden sibling
/// (<c>.&lt;name&gt;.partial-&lt;guid&gt;</c>) and <see cref="Publish"/> moves it into place, replacing an earlier result
/// only once the new one is there (the earlier one is set aside as <c>.&lt;name&gt;.old-&lt;guid&gt;</c> for that
/// moment). Disposing without publishing deletes the staged files, so a failure or a cancellation never leaves a
/// half-written folder under the real name. While it writes, the staged folder holds an exclusive lock on
/// <c>.&lt;name&gt;.partial-&lt;guid&gt;.lock</c> beside it (<see cref="WriterLock"/>); a process killed outright leaves
/// its hidden siblings behind, unlocked: <see cref="SweepLeftovers"/> removes them — only those no live writer holds —
/// and a new staged folder sweeps those of its own target first.
/// </summary>
public sealed partial class StagedFolder : IDisposable
{
    private const string PartialMarker = ".partial-";
    private const string OldMarker = ".old-";
    private readonly string id = Guid.NewGuid().ToString("N");
    private readonly WriterLock writer;
    private bool published;

    /// <summary>Stages <paramref name="folder"/>, first sweeping what interrupted writes of the same folder left (<see cref="SweepLeftoversOf"/>).</summary>
    public StagedFolder(string folder)
    {
        Target = System.IO.Path.GetFullPath(folder);
        var parent = System.IO.Path.GetDirectoryName(Target)!;
        Directory.CreateDirectory(parent);
        SweepLeftoversOf(Target);
        Path = System.IO.Path.Combine(parent, $".{System.IO.Path.GetFileName(Target)}{PartialMarker}{id}");
        writer = WriterLock.Take(Path + WriterLock.Suffix);
        try
        {
            Directory.CreateDirectory(Path);
        }
        catch
        {
            writer.Dispose();
            throw;
        }
    }

    /// <summary>Where to write now.</summary>
    public string Path { get; }

    /// <summary>Where the folder ends up.</summary>
    public string Target { get; }

    /// <summary>Whether a folder name is a staging folder (hidden, unfinished; readers skip it).</summary>
    public static bool IsStaging(string name) => name.StartsWith('.') && name.Contains(PartialMarker, StringComparison.Ordinal);

    /// <summary>
    /// Removes what interrupted writes left directly in <paramref name="directory"/>, and only that (names no user
    /// file has by accident: hidden, with a 32-hex-digit id): staging folders <c>.&lt;name&gt;.partial-&lt;id&gt;</c>;
    /// set-aside results <c>.&lt;name&gt;.old-&lt;id&gt;</c> — moved back to <c>&lt;name&gt;</c> when a crash mid-publish
    /// left no result there, else deleted; <see cref="AtomicFile"/> temporaries; <see cref="OutputFolder"/> probes.
    /// What a live writer still holds (its lock, <see cref="WriterLock"/>) is left alone, so it is safe while another
    /// process writes into the same folder; what a dead one left is removed, with its lock file. Returns the paths
    /// removed or restored (lock files not counted); a missing folder has none.
    /// </summary>
    public static IReadOnlyList<string> SweepLeftovers(string directory) => Sweep(directory, target: null);

    /// <summary>
    /// The same for one result folder: the staging and set-aside siblings of <paramref name="folder"/> and the
    /// <see cref="AtomicFile"/> temporaries inside it.
    /// </summary>
    public static IReadOnlyList<string> SweepLeftoversOf(string folder)
    {
        var full = System.IO.Path.GetFullPath(folder);
        var parent = System.IO.Path.GetDirectoryName(full);
        if (parent is null)
            return [];
        return [.. Sweep(parent, System.IO.Path.GetFileName(full)), .. AtomicFile.SweepLeftovers(full)];
    }

    private static List<string> Sweep(string directory, string? target)
    {
        var swept = new List<string>();
        if (!Directory.Exists(directory))
            return swept;
        foreach (var entry in Directory.EnumerateDirectories(directory))
        {
            var match = LeftoverFolder().Match(System.IO.Path.GetFileName(entry));
            if (!match.Success || (target is not null && match.Groups["name"].Value != target))
                continue;
            // A set-aside result belongs to the staged folder of the same id: its writer is mid-publish while it lives.
            if (WriterLock.IsHeld(LockOf(directory, match.Groups["name"].Value, match.Groups["id"].Value), out var dead))
                continue;
            using (dead)
            {
                if (!Directory.Exists(entry))
                    continue;   // its writer finished between the listing and the lock
                var result = System.IO.Path.Combine(directory, match.Groups["name"].Value);
                if (match.Groups["kind"].Value == "old" && !Directory.Exists(result) && !File.Exists(result))
                    Directory.Move(entry, result);   // killed between setting the old result aside and moving the new one in
                else
                    Directory.Delete(entry, recursive: true);
                swept.Add(entry);
            }
        }
        foreach (var file in Directory.EnumerateFiles(directory, "*" + WriterLock.Suffix))
        {
            var match = LeftoverLock().Match(System.IO.Path.GetFileName(file));
            if (match.Success && (target is null || match.Groups["name"].Value == target) && !WriterLock.IsHeld(file, out var orphan))
                orphan?.Dispose();   // killed before its staging folder was made, or after it was gone
        }
        if (target is null)
        {
            swept.AddRange(AtomicFile.SweepLeftovers(directory));
            foreach (var probe in Directory.EnumerateFiles(directory, OutputFolder.ProbePrefix + "*"))
            {
                if (ProbeName().IsMatch(System.IO.Path.GetFileName(probe)))
                {
                    File.Delete(probe);
                    swept.Add(probe);
                }
            }
        }
        return swept;
    }

    /// <summary>Moves the staged folder to <see cref="Target"/>, replacing what was there.</summary>
    public void Publish()
    {
        ObjectDisposedException.ThrowIf(published, this);
        string? old = null;
        if (Directory.Exists(Target))
        {
            old = System.IO.Path.Combine(System.IO.Path.GetDirectoryName(Target)!, $".{System.IO.Path.GetFileName(Target)}{OldMarker}{id}");
            Directory.Move(Target, old);
        }
        Directory.Move(Path, Target);
        published = true;
        if (old is not null)
            Directory.Delete(old, recursive: true);
        writer.Dispose();
    }

    public void Dispose()
    {
        try
        {
            if (!published && Directory.Exists(Path))
                Directory.Delete(Path, recursive: true);
        }
        finally
        {
            writer.Dispose();
        }
    }

    private static string LockOf(string directory, string name, string id) =>
        System.IO.Path.Combine(directory, $".{name}{PartialMarker}{id}{WriterLock.Suffix}");

    [GeneratedRegex(@"^\.(?<name>.+)\.(?<kind>partial|old)-(?<id>[0-9a-f]{32})$")]
    private static partial Regex LeftoverFolder();

    [GeneratedRegex(@"^\.(?<name>.+)\.partial-[0-9a-f]{32}\.lock$")]
    private static partial Regex LeftoverLock();

    [GeneratedRegex(@"^\.clipsurgery-probe-[0-9a-f]{32}$")]
    private static partial Regex ProbeName();
}
