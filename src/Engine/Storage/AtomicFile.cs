using System.Text;
using System.Text.RegularExpressions;

namespace ClipSurgeryWeb.Engine.Storage;

/// <summary>
/// Replaces a file in one step: it is written to a hidden temporary sibling first (<c>.&lt;name&gt;.tmp-&lt;32 hex&gt;</c>),
/// then moved over the old file, the writer holding a lock on <c>&lt;temporary&gt;.lock</c> meanwhile
/// (<see cref="WriterLock"/>). A process killed mid-write leaves that sibling behind, unlocked;
/// <see cref="SweepLeftovers"/> removes such files when the folder is written again.
/// </summary>
public static partial class AtomicFile
{
    /// <summary>
    /// Test-only: <c>&lt;prefix&gt;|&lt;ready file&gt;</c> makes the write of the first file whose name starts with
    /// prefix stop after its temporary is complete, create the ready file and wait forever, so a test can kill the
    /// process mid-write at a known point. Unset in normal use.
    /// </summary>
    public const string HaltHookVariable = "CLIPSURGERY_TEST_HALT_BEFORE_RENAME";

    /// <summary><paramref name="writeTo"/> writes the content to the path it is given.</summary>
    public static void Write(string path, Action<string> writeTo)
    {
        path = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temporary = Path.Combine(Path.GetDirectoryName(path)!, $".{Path.GetFileName(path)}.tmp-{Guid.NewGuid():N}");
        // Held while the temporary exists, so another process's sweep leaves it alone (see WriterLock).
        using var writer = WriterLock.Take(temporary + WriterLock.Suffix);
        try
        {
            writeTo(temporary);
            HaltHook(Path.GetFileName(path));
            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    public static void WriteAllText(string path, string text) =>
        Write(path, temporary => File.WriteAllText(temporary, text, new UTF8Encoding(false)));

    /// <summary>Whether a file name is one of <see cref="Write"/>'s temporaries.</summary>
    public static bool IsTemporary(string name) => TemporaryName().IsMatch(name);

    /// <summary>
    /// Deletes the temporaries of interrupted writes directly in <paramref name="directory"/> (only names this class
    /// makes: <c>.&lt;name&gt;.tmp-&lt;32 hex&gt;</c>; never anything else), and their lock files. A temporary whose
    /// writer is alive (holds its lock) is left alone. Returns the temporaries removed; a missing folder has none.
    /// </summary>
    public static IReadOnlyList<string> SweepLeftovers(string directory)
    {
        if (!Directory.Exists(directory))
            return [];
        var removed = new List<string>();
        foreach (var file in Directory.EnumerateFiles(directory))
        {
            if (!IsTemporary(Path.GetFileName(file)) || WriterLock.IsHeld(file + WriterLock.Suffix, out var dead))
                continue;
            using (dead)
            {
                if (!File.Exists(file))
                    continue;   // its writer finished between the listing and the lock
                File.Delete(file);
                removed.Add(file);
            }
        }
        foreach (var file in Directory.EnumerateFiles(directory, "*.tmp-*" + WriterLock.Suffix))
        {
            if (IsTemporary(Path.GetFileName(file)[..^WriterLock.Suffix.Length]) && !WriterLock.IsHeld(file, out var orphan))
                orphan?.Dispose();   // its writer was killed after the temporary was gone, or before it was made
        }
        return removed;
    }

    private static void HaltHook(string name)
    {
        if (Environment.GetEnvironmentVariable(HaltHookVariable) is not { Length: > 0 } hook)
            return;
        var parts = hook.Split('|', 2);
        if (parts.Length != 2 || !name.StartsWith(parts[0], StringComparison.Ordinal))
            return;
        File.WriteAllText(parts[1], name);
        Thread.Sleep(Timeout.Infinite);
    }

    [GeneratedRegex(@"^\..+\.tmp-[0-9a-f]{32}$")]
    private static partial Regex TemporaryName();
}
