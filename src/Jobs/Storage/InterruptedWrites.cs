using System.Text.RegularExpressions;
using ClipSurgeryWeb.Engine.Storage;

namespace ClipSurgeryWeb.Jobs.Storage;

/// <summary>
/// What a killed process leaves of writes it never finished, and their removal. The names are exactly those the writers
/// make: <see cref="AtomicFile"/>'s ".&lt;name&gt;.tmp-&lt;guid&gt;" files, <see cref="StagedFolder"/>'s unpublished
/// ".&lt;name&gt;.partial-&lt;guid&gt;" folders and ".&lt;name&gt;.old-&lt;guid&gt;" folders (a result being replaced: put back
/// when the kill came before its replacement moved in, removed otherwise), and <see cref="ImageIntake"/>'s
/// "&lt;id&gt;.part" uploads. Sweep only folders no other process is writing in: at start-up of the one process that runs
/// jobs on a SQLite installation, and an image's result folder when its job (re)starts it.
/// (To be switched to the engine's own sweep in src/Engine/Storage once it has one.)
/// </summary>
public static partial class InterruptedWrites
{
    /// <summary>Removes the leftovers directly inside <paramref name="folder"/> (not below it); returns how many.</summary>
    public static int SweepFolder(string folder)
    {
        if (!Directory.Exists(folder))
            return 0;
        var swept = 0;
        foreach (var file in Directory.EnumerateFiles(folder).ToList())
        {
            var name = Path.GetFileName(file);
            if (AtomicTemporary().IsMatch(name) || UploadPart().IsMatch(name))
                swept += Delete(() => File.Delete(file));
        }
        foreach (var directory in Directory.EnumerateDirectories(folder).ToList())
        {
            var name = Path.GetFileName(directory);
            if (StagedPartial().IsMatch(name))
            {
                swept += Delete(() => Directory.Delete(directory, recursive: true));
            }
            else if (StagedOld().Match(name) is { Success: true } old)
            {
                var target = Path.Combine(folder, old.Groups["name"].Value);
                swept += Delete(() =>
                {
                    if (Directory.Exists(target) || File.Exists(target))
                        Directory.Delete(directory, recursive: true);
                    else
                        Directory.Move(directory, target);
                });
            }
        }
        return swept;
    }

    /// <summary>Sweeps every folder of the data folder this app writes in: uploads, thumbnails and each run's result folders.</summary>
    public static int SweepDataFolder(FileStore files)
    {
        var swept = SweepFolder(files.UploadsDir) + SweepFolder(files.ThumbnailsDir);
        return swept + SweepTree(files.ResultsDir, depth: 3);
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

    private static int Delete(Action delete)
    {
        try
        {
            delete();
            return 1;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return 0; // Gone already, or held open: the next sweep tries again.
        }
    }

    [GeneratedRegex("^\\..+\\.tmp-[0-9a-f]{32}$")]
    private static partial Regex AtomicTemporary();

    [GeneratedRegex("^[0-9a-f]{32}(\\.[a-z0-9]+)?\\.part$")]
    private static partial Regex UploadPart();

    [GeneratedRegex("^\\..+\\.partial-[0-9a-f]{32}$")]
    private static partial Regex StagedPartial();

    [GeneratedRegex("^\\.(?<name>.+)\\.old-[0-9a-f]{32}$")]
    private static partial Regex StagedOld();
}
