namespace ClipSurgeryWeb.Engine.Storage;

/// <summary>
/// The mark of a live writer: an exclusive lock on a small lock file beside what it is writing, held for as long as it
/// writes. .NET opens a file with <see cref="FileShare.None"/> under an exclusive advisory <c>flock</c> on Unix (a
/// share-none handle on Windows), which every other process opening it so is refused, and which the operating system
/// drops when the process dies — killed outright included. So a sweep removes only what no live writer holds.
/// </summary>
internal sealed class WriterLock : IDisposable
{
    public const string Suffix = ".lock";

    private readonly FileStream stream;

    private WriterLock(FileStream stream) => this.stream = stream;

    /// <summary>Creates and locks a new lock file (its name carries a fresh id, so it never exists yet).</summary>
    public static WriterLock Take(string path) =>
        new(new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, bufferSize: 1, FileOptions.None));

    /// <summary>
    /// Whether a live writer holds the lock at <paramref name="path"/>. When none does, the lock is taken and returned
    /// in <paramref name="taken"/> (null when there is no lock file), to be disposed once its leftovers are removed.
    /// </summary>
    public static bool IsHeld(string path, out WriterLock? taken)
    {
        taken = null;
        try
        {
            taken = new WriterLock(new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.None, bufferSize: 1, FileOptions.None));
            return false;
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return false;
        }
        catch (IOException)
        {
            return true;   // locked by its writer
        }
    }

    /// <summary>Deletes the lock file while still holding it, then lets go.</summary>
    public void Dispose()
    {
        File.Delete(stream.Name);
        stream.Dispose();
    }
}
