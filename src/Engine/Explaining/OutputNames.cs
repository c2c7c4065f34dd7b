using System.Security.Cryptography;
using System.Text;
using ClipSurgeryWeb.Engine.Methods;

namespace ClipSurgeryWeb.Engine.Explaining;

/// <summary>
/// File and key names of explain and segment outputs: <c>&lt;mode&gt;_&lt;label&gt;.png</c>, <c>mask_&lt;target&gt;.png</c>,
/// <c>overlay_&lt;target&gt;.png</c>, and the keys of <c>maps.safetensors</c> / <c>masks.safetensors</c>.
/// Keys always hold the full label; a file name holds <see cref="FileLabel"/>, which is bounded: a label longer
/// than <see cref="MaxLabelBytes"/> bytes of UTF-8 is cut there and followed by <c>~</c> and a hash of the full
/// label, so every name stays far below the 255-byte limit of a file name and two long labels that share a
/// beginning still get different files. To find which label a file belongs to, compare
/// <see cref="FileLabel"/> (or <see cref="Png(MapMethod, string)"/>, <see cref="MaskPng"/>, …) of the run's
/// labels with the file's name (<see cref="TargetOf"/>); a file name cannot be turned back into a long label.
/// </summary>
public static class OutputNames
{
    public const string MapsFile = "maps.safetensors";

    /// <summary>Bytes of UTF-8 a label keeps in a file name before it is cut and hashed.</summary>
    public const int MaxLabelBytes = 100;

    /// <summary>Hex digits of the SHA-256 of the full label appended to a cut label.</summary>
    private const int HashDigits = 12;

    public static string Png(Heatmap map) => Png(map.Method, map.Target);

    /// <summary><c>&lt;mode&gt;_&lt;label&gt;.png</c>, e.g. <c>cs_bench.png</c>, <c>single_person+bench.png</c>.</summary>
    public static string Png(MapMethod method, string target) => $"{method.Name}_{FileLabel(target)}.png";

    /// <summary>SAM's mask of a target, white on black: <c>mask_&lt;target&gt;.png</c>.</summary>
    public static string MaskPng(string target) => $"mask_{FileLabel(target)}.png";

    /// <summary>SAM's mask drawn over the image with its points: <c>overlay_&lt;target&gt;.png</c>.</summary>
    public static string MaskOverlayPng(string target) => $"overlay_{FileLabel(target)}.png";

    public static string MapKey(Heatmap map) => $"{map.Method.Name}.{map.Target}";

    public static string PointsKey(string target) => $"points.{target}";

    public static string PointLabelsKey(string target) => $"point_labels.{target}";

    /// <summary>
    /// A label as part of a file name: path separators and characters no file system takes become '_'; beyond
    /// <see cref="MaxLabelBytes"/> bytes of UTF-8 it is cut (never inside a character) and <c>~</c> plus 12 hex
    /// digits of the full label's SHA-256 are appended.
    /// </summary>
    public static string FileLabel(string label) => Bounded(Safe(label), label, MaxLabelBytes);

    /// <summary>Bytes of UTF-8 an image's name keeps as its output folder's name before it is cut and hashed.</summary>
    public const int MaxImageFolderBytes = 150;

    /// <summary>
    /// The folder an image's outputs go to, <c>&lt;out&gt;/&lt;name&gt;</c>: the image's file name without its extension. A
    /// name over <see cref="MaxImageFolderBytes"/> bytes of UTF-8 is cut and hashed as a long label is, so that the
    /// hidden staging folder beside it (<c>.&lt;name&gt;.partial-&lt;32 hex digits&gt;</c>) still fits the 255-byte limit.
    /// </summary>
    public static string ImageFolder(string outDir, string imagePath)
    {
        var name = Path.GetFileNameWithoutExtension(imagePath);
        return Path.Combine(outDir, Bounded(name, name, MaxImageFolderBytes));
    }

    /// <summary><paramref name="safe"/> whole when it fits <paramref name="maxBytes"/>, else cut there (never inside a character), <c>~</c>, and 12 hex digits of <paramref name="full"/>'s SHA-256.</summary>
    private static string Bounded(string safe, string full, int maxBytes)
    {
        if (Encoding.UTF8.GetByteCount(safe) <= maxBytes)
            return safe;
        var kept = new StringBuilder();
        int bytes = 0;
        foreach (var rune in safe.EnumerateRunes())
        {
            if (bytes + rune.Utf8SequenceLength > maxBytes)
                break;
            kept.Append(rune.ToString());
            bytes += rune.Utf8SequenceLength;
        }
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(full)))[..HashDigits];
        return $"{kept}~{hash}";
    }

    /// <summary>
    /// The target among <paramref name="targets"/> whose <see cref="FileLabel"/> is <paramref name="fileLabel"/> (the
    /// part of a file name after <c>cs_</c>, <c>mask_</c>, … and before <c>.png</c>), or null when none is.
    /// </summary>
    public static string? TargetOf(string fileLabel, IEnumerable<string> targets) =>
        targets.FirstOrDefault(t => string.Equals(FileLabel(t), fileLabel, StringComparison.Ordinal));

    /// <summary>A label with path separators and characters no file system takes turned into '_' (not bounded: see <see cref="FileLabel"/>).</summary>
    private static string Safe(string label)
    {
        var invalid = Path.GetInvalidFileNameChars().Concat(['/', '\\', ':', '*', '?', '"', '<', '>', '|']).ToHashSet();
        var chars = label.Select(c => invalid.Contains(c) || char.IsControl(c) ? '_' : c).ToArray();
        var safe = new string(chars).Trim();
        return safe is "" or "." or ".." ? "_" : safe;
    }
}
