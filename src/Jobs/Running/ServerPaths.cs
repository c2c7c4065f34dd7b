using System.Text.RegularExpressions;

namespace ClipSurgeryWeb.Jobs.Running;

/// <summary>
/// Messages members read name files, not where the server keeps them: every absolute path in a message (an engine or
/// I/O error often has one) is shortened to its last segment, "/srv/clip/models/x.pt" to "x.pt".
/// </summary>
public static partial class ServerPaths
{
    public static string Hide(string message) => AbsolutePath().Replace(message, m => m.Groups["name"].Value);

    // A path starts a word ("/", "\", "C:\"), has at least one folder, and ends at a space, a quote or a colon.
    [GeneratedRegex(@"(?<![\w.~/\\])(?:[A-Za-z]:)?[\\/](?:[^\s'""\\/:*?<>|]+[\\/])+(?<name>[^\s'""\\/:*?<>|]*)")]
    private static partial Regex AbsolutePath();
}
