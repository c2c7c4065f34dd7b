using System.Text.RegularExpressions;

namespace ClipSurgeryWeb.Engine.Storage;

/// <summary>
/// A result folder that appears whole or not at all: files are written into a hidden sibling
/// (<c>.&lt;name&gt;.partial-&lt;guid&gt;</c>) and <see cref="Publish"/> moves it into place, replacing an earlier result
/// only once the new one is there (the earlier one is set aside as <c>.&lt;name&gt;.old-&lt;guid&gt;</c> for that
/// moment). Disposing without publishing deletes the staged files, so a failure or a cancellation never leaves a
/// half-written folder under the real name. A process killed outright leaves its hidden siblings behind:
/// <see cref="SweepLeftovers"/> removes them, and a new staged folder sweeps those of its own target first.
/// </summary>
public sealed partial class StagedFolder : IDisposable
{
    private const string PartialMarker = ".partial-";
    private const string OldMarker = ".old-";
    private bool published;

    /// <summary>Stages <paramref name="folder"/>, first sweeping what interrupted writes of the same folder left (<see cref="SweepLeftoversOf"/>).</summary>
    public StagedFolder(string folder)
    {
        Target = System.IO.Path.GetFullPath(folder);
        var parent = System.IO.Path.GetDirectoryName(Target)!;
        Directory.CreateDirectory(parent);
        SweepLeftoversOf(Target);
        Path = System.IO.Path.Combine(parent, $".{System.IO.Path.GetFileName(Target)}{PartialMarker}{Guid.NewGuid():N}");
        Directory.CreateDirectory(Path);
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
    /// Call it when nothing is writing into the folder (at start-up, or before a run resumes there). Returns the paths
    /// removed or restored; a missing folder has none.
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
            var result = System.IO.Path.Combine(directory, match.Groups["name"].Value);
            if (match.Groups["kind"].Value == "old" && !Directory.Exists(result) && !File.Exists(result))
                Directory.Move(entry, result);   // killed between setting the old result aside and moving the new one in
            else
                Directory.Delete(entry, recursive: true);
            swept.Add(entry);
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
            old = System.IO.Path.Combine(System.IO.Path.GetDirectoryName(Target)!, $".{System.IO.Path.GetFileName(Target)}{OldMarker}{Guid.NewGuid():N}");
            Directory.Move(Target, old);
        }
        Directory.Move(Path, Target);
        published = true;
        if (old is not null)
            Directory.Delete(old, recursive: true);
    }

    public void Dispose()
    {
        if (!published && Directory.Exists(Path))
            Directory.Delete(Path, recursive: true);
    }

    [GeneratedRegex(@"^\.(?<name>.+)\.(?<kind>partial|old)-[0-9a-f]{32}$")]
    private static partial Regex LeftoverFolder();

    [GeneratedRegex(@"^\.clipsurgery-probe-[0-9a-f]{32}$")]
    private static partial Regex ProbeName();
}
