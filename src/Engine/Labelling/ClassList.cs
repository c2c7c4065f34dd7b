namespace ClipSurgeryWeb.Engine.Labelling;

/// <summary>
/// The classes a label map is drawn over, in id order, and the queries (names) they are read from: the methods'
/// class file (one class per line, its names comma-separated), or a list of labels (one class each).
/// </summary>
public sealed class ClassList
{
    /// <summary>The name of the optional background class a user may add in front of their labels.</summary>
    public const string BackgroundName = "background";

    /// <summary>More classes than a uint8 label map can tell apart (255 is mmseg's ignore index) are refused.</summary>
    public const int MaxClasses = 255;

    private ClassList(IReadOnlyList<SegmentClass> classes) => Classes = classes;

    public IReadOnlyList<SegmentClass> Classes { get; }

    public int Count => Classes.Count;

    /// <summary>Every class's names in class order: the queries whose text features are encoded.</summary>
    public IReadOnlyList<string> Queries => Classes.SelectMany(c => c.Names).ToList();

    /// <summary>For each of <see cref="Queries"/>, the id of its class.</summary>
    public IReadOnlyList<int> QueryClass => Classes.SelectMany(c => c.Names.Select(_ => c.Id)).ToList();

    /// <summary>Whether class 0 is the background class (added by <see cref="WithBackground"/> or named so in the file).</summary>
    public bool HasBackground => Classes.Count > 0 && string.Equals(Classes[0].Name, BackgroundName, StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Classes from names: each item one class, its names split at commas (<c>["sky, clouds", "cat"]</c>). Empty
    /// names are refused, as are more than <see cref="MaxClasses"/> classes and, unless <paramref name="repeatsAllowed"/>,
    /// a name in two classes (a user's slip; the methods' own class files have one, COCO-Object's "bed": there it is two
    /// identical queries, and ties in the argmax go to the first class, as in the methods' code).
    /// </summary>
    public static ClassList Of(IEnumerable<string> classes, string subject = "labels", bool repeatsAllowed = false)
    {
        var list = new List<SegmentClass>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (line, index) in classes.Select((l, i) => (l, i)))
        {
            var names = line.Split(',').Select(n => n.Trim()).ToList();
            if (names.Any(n => n.Length == 0))
                throw new EngineInputException(subject, $"class {index + 1} ('{line.Trim()}') has an empty name");
            if (names.Distinct(StringComparer.Ordinal).Count() != names.Count)
                throw new EngineInputException(subject, $"class {index + 1} ('{line.Trim()}') names a name twice");
            foreach (var name in names)
                if (!seen.Add(name) && !repeatsAllowed)
                    throw new EngineInputException(subject, $"'{name}' is named twice (each name is one class's query)");
            list.Add(new SegmentClass(list.Count, names));
        }
        if (list.Count == 0)
            throw new EngineInputException(subject, "no class given");
        if (list.Count > MaxClasses)
            throw new EngineInputException(subject, $"{list.Count} classes; a label map holds at most {MaxClasses}");
        return new ClassList(list);
    }

    /// <summary>The CLI's <c>--labels "a,b,c"</c>: one class per comma-separated label.</summary>
    public static ClassList FromLabels(string labels) =>
        Of(labels.Split(',').Select(l => l.Trim()).Where(l => l.Length > 0), "--labels");

    /// <summary>A class file's text: one class per non-blank line, its names comma-separated.</summary>
    public static ClassList Parse(string text, string subject = "classes") =>
        Of(text.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.Trim().Length > 0), subject);

    /// <summary>A class file (<c>--classes FILE</c>), refused with its name when missing or empty.</summary>
    public static ClassList Read(string path)
    {
        if (!File.Exists(path))
            throw new EngineInputException(path, "class file not found");
        return Parse(File.ReadAllText(path), Path.GetFileName(path));
    }

    /// <summary>These classes behind a <see cref="BackgroundName"/> class 0 (ids shift up by one); unchanged when class 0 is background already.</summary>
    public ClassList WithBackground() => HasBackground
        ? this
        : Of(Classes.Select(c => string.Join(", ", c.Names)).Prepend(BackgroundName));

    public override string ToString() => string.Join(" | ", Classes.Select(c => string.Join(", ", c.Names)));
}
