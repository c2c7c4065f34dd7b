namespace ClipSurgeryWeb.Engine.Output;

/// <summary>
/// Writes a result folder all at once: files go to a hidden sibling folder first, which replaces the target folder
/// only when everything was written. A failure leaves neither a half-written folder nor a damaged earlier result.
/// </summary>
public static class StagedFolder
{
    public static T Write<T>(string folder, Func<string, T> writeInto)
    {
        folder = Path.GetFullPath(folder);
        var parent = Path.GetDirectoryName(folder)!;
        Directory.CreateDirectory(parent);
        var staging = Path.Combine(parent, $".{Path.GetFileName(folder)}.partial-{Guid.NewGuid():N}");
        Directory.CreateDirectory(staging);
        try
        {
            var result = writeInto(staging);
            Publish(staging, folder);
            return result;
        }
        finally
        {
            if (Directory.Exists(staging))
                Directory.Delete(staging, recursive: true);
        }
    }

    /// <summary>Replaces <paramref name="folder"/> by the staged one; an earlier result is removed only once the new one is in place.</summary>
    private static void Publish(string staging, string folder)
    {
        string? old = null;
        if (Directory.Exists(folder))
        {
            old = Path.Combine(Path.GetDirectoryName(folder)!, $".{Path.GetFileName(folder)}.old-{Guid.NewGuid():N}");
            Directory.Move(folder, old);
        }
        Directory.Move(staging, folder);
        if (old is not null)
            Directory.Delete(old, recursive: true);
    }
}
