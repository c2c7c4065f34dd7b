using ClipSurgeryWeb.Engine.Labelling;

namespace ClipSurgeryWeb.Engine.Evaluation;

/// <summary>
/// Each benchmark's classes with the names and synonyms the training-free methods query for them: our copies of the
/// class-name files that NACLIP's and SCLIP's configs name (<c>configs/cls_&lt;dataset&gt;.txt</c>, identical in both),
/// one class per line in label-id order, names comma-separated. Where a dataset has a background class (VOC21,
/// Context60, COCO-Object) it is class 0 and its names are the configs' (for VOC21 and COCO-Object a list of stuff
/// words, "sky, wall, tree, …", not the word "background"). Embedded in the engine so an eval needs no file beside it.
/// </summary>
public static class EvalClasses
{
    private const string ResourcePrefix = "ClipSurgeryWeb.Engine.Resources.eval_classes_";

    /// <summary>
    /// The class list an eval of <paramref name="kind"/> queries, in label-id order.
    /// COCO-Object's file names "bed" twice (among the background's synonyms and as class 60): kept as the methods'
    /// code keeps it, two identical queries, so ties go to the first class (see <see cref="RepeatedNames"/>).
    /// </summary>
    public static ClassList For(EvalDatasetKind kind) => ClassList.Of(Lines(kind), $"{kind} classes", repeatsAllowed: true);

    /// <summary>The class file as the configs hold it, one line per class.</summary>
    public static string FileText(EvalDatasetKind kind)
    {
        using var stream = typeof(EvalClasses).Assembly.GetManifestResourceStream(ResourcePrefix + FileStem(kind) + ".txt")
            ?? throw new InvalidOperationException($"the class file of {kind} is missing from the engine assembly");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    /// <summary>
    /// Names that more than one class of the file lists, each with the last class naming it. In the methods' code a
    /// repeated name is two identical queries; ties in the argmax go to the first class, so the later class can only
    /// win through its own other names.
    /// </summary>
    public static IReadOnlyDictionary<string, int> RepeatedNames(IReadOnlyList<string> lines)
    {
        var owners = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        for (var id = 0; id < lines.Count; id++)
            foreach (var name in lines[id].Split(',').Select(n => n.Trim()).Where(n => n.Length > 0))
            {
                if (!owners.TryGetValue(name, out var ids))
                    owners[name] = ids = [];
                ids.Add(id);
            }
        return owners.Where(o => o.Value.Distinct().Count() > 1).ToDictionary(o => o.Key, o => o.Value[^1], StringComparer.Ordinal);
    }

    /// <summary>The file's non-blank lines (one per class).</summary>
    public static IReadOnlyList<string> Lines(EvalDatasetKind kind) =>
        FileText(kind).Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.Trim().Length > 0).ToList();

    // The configs' file names: cls_voc21.txt, cls_city_scapes.txt, …
    private static string FileStem(EvalDatasetKind kind) => kind switch
    {
        EvalDatasetKind.Voc21 => "voc21",
        EvalDatasetKind.Voc20 => "voc20",
        EvalDatasetKind.Context60 => "context60",
        EvalDatasetKind.Context59 => "context59",
        EvalDatasetKind.CocoObject => "coco_object",
        EvalDatasetKind.CocoStuff => "coco_stuff",
        EvalDatasetKind.Cityscapes => "city_scapes",
        EvalDatasetKind.Ade20k => "ade20k",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };
}
