using System.Text;

namespace ClipSurgeryWeb.Engine.Storage;

/// <summary>Replaces a file in one step: the text goes to a temporary sibling first, then is moved over the old file.</summary>
public static class AtomicFile
{
    public static void WriteAllText(string path, string text)
    {
        path = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temporary = Path.Combine(Path.GetDirectoryName(path)!, $".{Path.GetFileName(path)}.tmp-{Guid.NewGuid():N}");
        try
        {
            File.WriteAllText(temporary, text, new UTF8Encoding(false));
            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }
    }
}
