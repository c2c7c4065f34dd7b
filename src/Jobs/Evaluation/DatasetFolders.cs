using ClipSurgeryWeb.Jobs.Running;

namespace ClipSurgeryWeb.Jobs.Evaluation;

/// <summary>
/// Where evaluation datasets may lie on the server (<c>ClipSurgery:DatasetsRoot</c>, by default <c>datasets</c> in the
/// data folder). An eval names a folder inside it; a relative name is taken inside it. Checked when the eval is asked
/// for, so a mistyped folder is refused at once with its name rather than failing later on the GPU worker.
/// </summary>
public sealed class DatasetFolders(string root)
{
    /// <summary>The datasets root, full path.</summary>
    public string Root { get; } = Path.GetFullPath(root);

    /// <summary>The dataset folders directly inside the root (for the page's suggestions), by name; none when the root does not exist.</summary>
    public IReadOnlyList<string> List() => Directory.Exists(Root)
        ? Directory.EnumerateDirectories(Root).Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal).ToList()
        : [];

    /// <summary>The full path of <paramref name="folder"/>, which must exist and lie inside <see cref="Root"/>.</summary>
    /// <exception cref="RequestRejectedException">Empty, outside the root, or not found; naming the folder as given.</exception>
    public string Require(string? folder)
    {
        if (string.IsNullOrWhiteSpace(folder))
            throw new RequestRejectedException("dataset folder", "name a folder on the server (none was given)");
        var given = folder.Trim();
        string full;
        try
        {
            // Without a trailing separator: "voc/" and "voc" are one folder, and one eval's settings name it one way.
            full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(Path.IsPathRooted(given) ? given : Path.Combine(Root, given)));
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            throw new RequestRejectedException($"dataset folder '{given}'", "not a valid path");
        }
        if (!IsInside(full))
            throw new RequestRejectedException($"dataset folder '{given}'", $"not inside the datasets folder {Root} (ClipSurgery:DatasetsRoot)");
        if (!Directory.Exists(full))
            throw new RequestRejectedException($"dataset folder '{given}'", "not found on the server");
        return full;
    }

    private bool IsInside(string full)
    {
        var comparison = OperatingSystem.IsWindows() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
        var root = Path.TrimEndingDirectorySeparator(Root);
        // The root "/" keeps its separator when trimmed: it is then its own prefix.
        var prefix = root.EndsWith(Path.DirectorySeparatorChar) ? root : root + Path.DirectorySeparatorChar;
        return full.Equals(root, comparison) || full.StartsWith(prefix, comparison);
    }

    /// <summary>
    /// <paramref name="folder"/> as members may read it: relative to the root when inside it (a server path stays
    /// private), else its last part.
    /// </summary>
    public string Shown(string? folder)
    {
        if (string.IsNullOrEmpty(folder))
            return "?";
        var full = Path.GetFullPath(folder);
        return IsInside(full) ? Path.GetRelativePath(Root, full) : Path.GetFileName(Path.TrimEndingDirectorySeparator(full));
    }
}
