namespace ClipSurgeryWeb.Jobs.Running;

/// <summary>
/// Label lists as people type them: comma-separated, trimmed, lower-cased, no repeats, order kept; entries without a
/// letter or digit (blanks, stray punctuation) are dropped.
/// </summary>
public static class Labels
{
    /// <summary>The 59 PASCAL-Context labels of the reference demo.</summary>
    public static readonly IReadOnlyList<string> PascalContext =
    [
        "airplane", "bag", "bed", "bedclothes", "bench", "bicycle", "bird", "boat", "book", "bottle", "building", "bus",
        "cabinet", "car", "cat", "ceiling", "chair", "cloth", "computer", "cow", "cup", "curtain", "dog", "door", "fence",
        "floor", "flower", "food", "grass", "ground", "horse", "keyboard", "light", "motorbike", "mountain", "mouse",
        "person", "plate", "platform", "potted plant", "road", "rock", "sheep", "shelves", "sidewalk", "sign", "sky",
        "snow", "sofa", "table", "track", "train", "tree", "truck", "tv monitor", "wall", "water", "window", "wood",
    ];

    public static IReadOnlyList<string> Parse(string text) => Clean(text.Split(',', ';', '\n'));

    public static IReadOnlyList<string> Clean(IEnumerable<string> labels) =>
        labels.Select(l => string.Join(' ', l.Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToLowerInvariant())
            .Select(l => string.Join('+', l.Split('+').Select(p => p.Trim())))
            .Where(l => l.Split('+').All(part => part.Any(char.IsLetterOrDigit)))
            .Distinct()
            .ToList();
}
