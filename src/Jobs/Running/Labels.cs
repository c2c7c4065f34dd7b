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

    /// <summary>
    /// Cleans as <see cref="Clean"/>, but an entry that uses '+' must have a label on each side: <c>cat+</c> or a lone
    /// <c>+</c> is refused with the reason (a target the user typed is never dropped silently).
    /// </summary>
    public static IReadOnlyList<string> CleanTargets(IEnumerable<string> targets)
    {
        var list = targets.ToList();
        var broken = list.Select(t => t.Trim()).FirstOrDefault(t => t.Contains('+') && t.Split('+').Any(p => !p.Any(char.IsLetterOrDigit)));
        if (broken is not null)
            throw new RequestRejectedException($"target '{broken}'", "has nothing on one side of '+': write labels on both sides, as in 'person+bench'");
        return Clean(list);
    }

    /// <summary>Targets as typed in a box (comma-separated), checked as <see cref="CleanTargets"/>.</summary>
    public static IReadOnlyList<string> ParseTargets(string text) => CleanTargets(text.Split(',', ';', '\n'));

    public static IReadOnlyList<string> Clean(IEnumerable<string> labels) =>
        labels.Select(l => string.Join(' ', l.Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToLowerInvariant())
            .Select(l => string.Join('+', l.Split('+').Select(p => p.Trim())))
            .Where(l => l.Split('+').All(part => part.Any(char.IsLetterOrDigit)))
            .Distinct()
            .ToList();
}
