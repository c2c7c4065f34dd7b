using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using ClipSurgeryWeb.Hosting.Options;

namespace ClipSurgeryWeb.Hosting.Storage;

/// <summary>
/// Keeps server paths out of what members read (an image's failure reason, a run's error, an upload refusal). A path the
/// caller knows is replaced by the name the member knows it by (the stored upload by the member's own file name); any
/// other absolute path by its last part, shortened: "The path '/srv/app/App_Data/results/…/cs_&lt;500 characters&gt;.png'
/// is too long" becomes "The path 'cs_aaaaaaaa….png' is too long". The server's own folders (<see cref="AddRoots"/>:
/// data, models, content root, temp) are matched exactly first, so a space in one ("/home/me/My Projects/App_Data/…",
/// "C:\Program Files\…"), where a bare path would otherwise end, cannot leave the rest of the path behind. The logs
/// keep the whole exception.
/// </summary>
public static partial class ServerPaths
{
    /// <summary>Longest file name shown whole; a longer one keeps its start and its extension.</summary>
    public const int MaxShownName = 60;

    private static readonly ConcurrentDictionary<string, Regex> Roots = new();

    /// <summary>
    /// Registers folders of this server whose paths <see cref="Hide"/> must recognise whole, spaces and all. Registered
    /// once at start-up (<see cref="AddRootsOf"/>); a folder registered twice is kept once.
    /// </summary>
    public static void AddRoots(params IEnumerable<string?> folders)
    {
        foreach (var folder in folders)
        {
            var root = folder?.TrimEnd('/', '\\');
            if (string.IsNullOrEmpty(root) || root.IndexOfAny(['/', '\\']) < 0)
                continue;
            // The root, then (unless it ends there) the rest of the path below it up to the next space or quote.
            var options = root.Contains('\\') ? RegexOptions.IgnoreCase | RegexOptions.CultureInvariant : RegexOptions.CultureInvariant;
            Roots.TryAdd(root, new Regex(Regex.Escape(root) + """(?![^/\\\s'"<>|:,;)])(?:[/\\][^\s'"<>|]*)?""", options));
        }
    }

    /// <summary>The server's folders from its options: data, models, the content root and the temp folder.</summary>
    public static void AddRootsOf(ClipSurgeryOptions options, string contentRoot) =>
        AddRoots(options.DataPath(contentRoot), options.ModelsPath(contentRoot), contentRoot, Path.GetTempPath());

    public static string Hide(string message, IReadOnlyDictionary<string, string>? knownAs = null)
    {
        if (knownAs is not null)
        {
            foreach (var (path, name) in knownAs.Where(k => k.Key.Length > 0).OrderByDescending(k => k.Key.Length))
                message = message.Replace(path, name, StringComparison.Ordinal);
        }
        message = QuotedPath().Replace(message, m => Shown(m.Value));
        foreach (var (_, root) in Roots.OrderByDescending(r => r.Key.Length))
            message = root.Replace(message, m => Shown(m.Value));
        return BarePath().Replace(message, m => Shown(m.Value));
    }

    /// <summary>The last part of a path as a member may read it: "a file" when there is none, shortened when long.</summary>
    private static string Shown(string path)
    {
        var trimmed = path.TrimEnd('/', '\\');
        var last = trimmed[(trimmed.LastIndexOfAny(['/', '\\']) + 1)..];
        if (last.Length == 0)
            return "a file";
        if (last.Length <= MaxShownName)
            return last;
        var extension = Path.GetExtension(last);
        if (extension.Length > 10)
            extension = "";
        return $"{last[..(MaxShownName - extension.Length - 1)]}…{extension}";
    }

    /// <summary>An absolute path between quotes, spaces allowed: '/a/b c/d.png' or "C:\a\b.png".</summary>
    [GeneratedRegex("""(?<=['"])(?:/[^'"/\r\n]+/[^'"\r\n]*|[A-Za-z]:\\[^'"\r\n]+)(?=['"])""")]
    private static partial Regex QuotedPath();

    /// <summary>
    /// An absolute path of at least two parts, up to the next space or quote: /a/b.png, C:\a\b.png. Not "2/3", not a URL's
    /// "//host/…", not a lone "/".
    /// </summary>
    [GeneratedRegex("""(?<![\w:/.\\~])(?:(?:/[^/\s'"<>|]+){2,}/?|[A-Za-z]:\\[^\s'"<>|]+)""")]
    private static partial Regex BarePath();
}
