namespace ClipSurgeryWeb.Engine.Storage;

/// <summary>
/// A result folder that appears whole or not at all: files are written into a hidden sibling
/// (<c>.&lt;name&gt;.partial-&lt;guid&gt;</c>) and <see cref="Publish"/> moves it into place, replacing an earlier result
/// only once the new one is there. Disposing without publishing deletes the staged files, so a failure or a
/// cancellation never leaves a half-written folder under the real name.
/// </summary>
public sealed class StagedFolder : IDisposable
{
    private const string PartialMarker = ".partial-";
    private bool published;

    public StagedFolder(string folder)
    {
        Target = System.IO.Path.GetFullPath(folder);
        var parent = System.IO.Path.GetDirectoryName(Target)!;
        Directory.CreateDirectory(parent);
        Path = System.IO.Path.Combine(parent, $".{System.IO.Path.GetFileName(Target)}{PartialMarker}{Guid.NewGuid():N}");
        Directory.CreateDirectory(Path);
    }

    /// <summary>Where to write now.</summary>
    public string Path { get; }

    /// <summary>Where the folder ends up.</summary>
    public string Target { get; }

    /// <summary>Whether a folder name is a staging folder (hidden, unfinished; readers skip it).</summary>
    public static bool IsStaging(string name) => name.StartsWith('.') && name.Contains(PartialMarker, StringComparison.Ordinal);

    /// <summary>Moves the staged folder to <see cref="Target"/>, replacing what was there.</summary>
    public void Publish()
    {
        ObjectDisposedException.ThrowIf(published, this);
        string? old = null;
        if (Directory.Exists(Target))
        {
            old = System.IO.Path.Combine(System.IO.Path.GetDirectoryName(Target)!, $".{System.IO.Path.GetFileName(Target)}.old-{Guid.NewGuid():N}");
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
}
