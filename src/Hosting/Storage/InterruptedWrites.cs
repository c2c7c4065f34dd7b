using System.Text.RegularExpressions;
using ClipSurgeryWeb.Engine.Storage;

namespace ClipSurgeryWeb.Hosting.Storage;

/// <summary>
/// What a killed process leaves of writes it never finished, and their removal: the engine's own leftovers
/// (<see cref="StagedFolder.SweepLeftovers"/>: <see cref="AtomicFile"/> temporaries, unpublished staging folders, set-aside
/// results put back or removed) and <see cref="ImageIntake"/>'s "&lt;id&gt;.part" uploads. Sweep only folders no other
/// process is writing in: at start-up of the one process that runs jobs on a SQLite installation, and an image's result
/// folder when its job (re)starts it.
/// </summary>
public static partial class InterruptedWrites
{
    /// <summary>Removes the leftovers directly inside <paramref name="folder"/> (not below it); returns how many.</summary>
    public static int SweepFolder(string folder)
    {
        if (!Directory.Exists(folder))
            return 0;
        var swept = Try(() => StagedFolder.SweepLeftovers(folder).Count);
        foreach (var file in Directory.EnumerateFiles(folder).ToList())
        {
            if (UploadPart().IsMatch(Path.GetFileName(file)))
                swept += Try(() => { File.Delete(file); return 1; });
        }
        return swept;
    }

    /// <summary>Sweeps every folder of the data folder this app writes in: uploads, thumbnails and each run's result folders.</summary>
    public static int SweepDataFolder(FileStore files)
    {
        var swept = SweepFolder(files.UploadsDir) + SweepFolder(files.ThumbnailsDir);
        return swept + SweepTree(files.ResultsDir, depth: 3);
    }

    /// <summary>
    /// Removes the uploads ("&lt;id&gt;.&lt;ext&gt;") and thumbnails ("&lt;id&gt;_&lt;size&gt;.jpg") whose id has no row: what
    /// a process killed between moving an upload into place and saving its row leaves (the row is the commit). Only at
    /// start-up, when no upload is in flight. Returns how many.
    /// </summary>
    public static int SweepOrphans(FileStore files, IReadOnlySet<Guid> imageIds)
    {
        var swept = 0;
        foreach (var (folder, pattern) in new[] { (files.UploadsDir, StoredUpload()), (files.ThumbnailsDir, StoredThumbnail()) })
        {
            foreach (var file in Directory.EnumerateFiles(folder).ToList())
            {
                var match = pattern.Match(Path.GetFileName(file));
                if (match.Success && !imageIds.Contains(Guid.ParseExact(match.Groups[1].Value, "N")))
                    swept += Try(() => { File.Delete(file); return 1; });
            }
        }
        return swept;
    }

    private static int SweepTree(string folder, int depth)
    {
        var swept = SweepFolder(folder);
        if (depth > 0 && Directory.Exists(folder))
        {
            foreach (var directory in Directory.EnumerateDirectories(folder).ToList())
                swept += SweepTree(directory, depth - 1);
        }
        return swept;
    }

    private static int Try(Func<int> sweep)
    {
        try
        {
            return sweep();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return 0; // Gone already, or held open: the next sweep tries again.
        }
    }

    [GeneratedRegex("^[0-9a-f]{32}(\\.[a-z0-9]+)?\\.part$")]
    private static partial Regex UploadPart();

    [GeneratedRegex("^([0-9a-f]{32})\\.[a-z0-9]+$")]
    private static partial Regex StoredUpload();

    [GeneratedRegex("^([0-9a-f]{32})_[0-9]+\\.jpg$")]
    private static partial Regex StoredThumbnail();
}
