using System.Text;

namespace ClipSurgeryWeb.Engine.Storage;

/// <summary>Replaces a file in one step: it is written to a temporary sibling first, then moved over the old file.</summary>
public static class AtomicFile
{
    /// <summary><paramref name="writeTo"/> writes the content to the path it is given.</summary>
    public static void Write(string path, Action<string> writeTo)
    {
        path = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temporary = Path.Combine(Path.GetDirectoryName(path)!, $".{Path.GetFileName(path)}.tmp-{Guid.NewGuid():N}");
        try
        {
            writeTo(temporary);
            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    public static void WriteAllText(string path, string text) =>
        Write(path, temporary => File.WriteAllText(temporary, text, new UTF8Encoding(false)));
}
