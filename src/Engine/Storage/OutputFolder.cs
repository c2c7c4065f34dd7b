namespace ClipSurgeryWeb.Engine.Storage;

/// <summary>
/// Checks, before any work, that results can be written under a folder: it (or the nearest part of it that exists)
/// must be a folder, and a file must be creatable there. Nothing is left behind: a missing folder is not created,
/// and the probe file is removed at once.
/// </summary>
public static class OutputFolder
{
    /// <summary>The probe's name prefix (hidden); <see cref="StagedFolder.SweepLeftovers"/> removes one left by a crash.</summary>
    internal const string ProbePrefix = ".clipsurgery-probe-";

    /// <exception cref="EngineInputException">Subject: <paramref name="folder"/> as given; reason: why nothing can be written there.</exception>
    public static void EnsureWritable(string folder)
    {
        string full;
        try
        {
            full = Path.GetFullPath(folder);
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            throw new EngineInputException(folder, "is not a usable folder name");
        }

        // The nearest part of the path that exists decides: a file there means the folder cannot be made.
        var existing = full;
        while (!Directory.Exists(existing))
        {
            if (File.Exists(existing))
                throw new EngineInputException(folder, existing == full ? "is a file, not a folder" : $"is under {existing}, which is a file, not a folder");
            var parent = Path.GetDirectoryName(existing);
            if (parent is null)
                throw new EngineInputException(folder, "has no existing folder above it");
            existing = parent;
        }

        // /proc takes no new files, but says so as "no such file": name it instead.
        if (OperatingSystem.IsLinux() && (full == "/proc" || full.StartsWith("/proc/", StringComparison.Ordinal)))
            throw new EngineInputException(folder, "is under /proc, the kernel's process folder, which holds no results");

        var probe = Path.Combine(existing, $"{ProbePrefix}{Guid.NewGuid():N}");
        try
        {
            using (File.Create(probe, 1, FileOptions.DeleteOnClose))
            {
            }
        }
        catch (UnauthorizedAccessException)
        {
            throw new EngineInputException(folder, existing == full ? "is not writable (permission denied)" : $"cannot be created: {existing} is not writable (permission denied)");
        }
        catch (IOException e)
        {
            var where = existing == full ? "" : $" in {existing}";
            var why = e.Message.Contains("read-only", StringComparison.OrdinalIgnoreCase) ? "a read-only file system" : FirstLine(e.Message).Replace(probe, "a new file");
            throw new EngineInputException(folder, $"cannot be written{where} ({why})");
        }
        finally
        {
            if (File.Exists(probe))
                File.Delete(probe);
        }
    }

    private static string FirstLine(string text) => text.Split('\n')[0].Trim();
}
