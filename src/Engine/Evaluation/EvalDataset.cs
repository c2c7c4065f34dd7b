namespace ClipSurgeryWeb.Engine.Evaluation;

/// <summary>
/// A benchmark's validation split read from its standard folder layout (the layouts mmseg and the methods' configs
/// use), as (image, label map) samples in a stable order: the split file's order where the layout has one, otherwise
/// paths sorted ordinally (mmseg sorts its folder scan). The whole layout is checked when opened, so a missing label
/// stops an eval before its first image rather than at its four-hundredth.
/// </summary>
public sealed class EvalDataset
{
    private EvalDataset(EvalDatasetKind kind, string root, int classCount, IReadOnlyList<EvalSample> samples)
    {
        Kind = kind;
        Root = root;
        ClassCount = classCount;
        Samples = samples;
    }

    public EvalDatasetKind Kind { get; }

    /// <summary>The folder the layout was found in (the given folder, or e.g. its <c>VOC2012</c> sub-folder).</summary>
    public string Root { get; }

    /// <summary>Classes the labels index into (after any label reduction); the metric's class count.</summary>
    public int ClassCount { get; }

    public IReadOnlyList<EvalSample> Samples { get; }

    /// <summary>The class count of each benchmark, as the methods' dataset classes list them.</summary>
    public static int ClassCountOf(EvalDatasetKind kind) => kind switch
    {
        EvalDatasetKind.Voc21 => 21,
        EvalDatasetKind.Voc20 => 20,
        EvalDatasetKind.Context60 => 60,
        EvalDatasetKind.Context59 => 59,
        EvalDatasetKind.CocoObject => 81,
        EvalDatasetKind.CocoStuff => 171,
        EvalDatasetKind.Cityscapes => 19,
        EvalDatasetKind.Ade20k => 150,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    /// <summary>
    /// Opens <paramref name="folder"/> as a <paramref name="kind"/> dataset. VOC may be given as the <c>VOC2012</c>
    /// folder or a folder above it (<c>VOCdevkit</c>, or the one holding <c>VOCdevkit</c>); Context likewise with
    /// <c>VOC2010</c>; ADE20K as <c>ADEChallengeData2016</c> or its parent.
    /// </summary>
    public static EvalDataset Open(string folder, EvalDatasetKind kind)
    {
        if (!Directory.Exists(folder))
            throw new EngineInputException(folder, "the dataset folder does not exist");
        var classes = ClassCountOf(kind);
        return kind switch
        {
            EvalDatasetKind.Voc21 or EvalDatasetKind.Voc20 => FromSplit(kind, classes, Find(folder, "VOC2012", "JPEGImages"),
                "VOC2012", "SegmentationClass", Path.Combine("ImageSets", "Segmentation", "val.txt"), kind == EvalDatasetKind.Voc20),
            EvalDatasetKind.Context60 or EvalDatasetKind.Context59 => FromSplit(kind, classes, Find(folder, "VOC2010", "JPEGImages"),
                "Pascal Context", "SegmentationClassContext", Path.Combine("ImageSets", "SegmentationContext", "val.txt"), kind == EvalDatasetKind.Context59),
            EvalDatasetKind.CocoStuff => FromFolders(kind, classes, folder, "COCO-Stuff 164k",
                Path.Combine("images", "val2017"), ".jpg", Path.Combine("annotations", "val2017"), "_labelTrainIds.png", false),
            EvalDatasetKind.CocoObject => FromFolders(kind, classes, folder, "COCO-Object",
                Path.Combine("images", "val2017"), ".jpg", Path.Combine("annotations", "val2017"), "_instanceTrainIds.png", false),
            EvalDatasetKind.Cityscapes => FromFolders(kind, classes, folder, "Cityscapes",
                Path.Combine("leftImg8bit", "val"), "_leftImg8bit.png", Path.Combine("gtFine", "val"), "_gtFine_labelTrainIds.png", false),
            EvalDatasetKind.Ade20k => FromFolders(kind, classes, Find(folder, "ADEChallengeData2016", "images"), "ADE20K",
                Path.Combine("images", "validation"), ".jpg", Path.Combine("annotations", "validation"), ".png", true),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
        };
    }

    // The folder itself if it holds `marker`, else <folder>/<name> or <folder>/VOCdevkit/<name> if one does;
    // otherwise the folder itself, so the error names what the user gave.
    private static string Find(string folder, string name, string marker)
    {
        foreach (var candidate in new[] { folder, Path.Combine(folder, name), Path.Combine(folder, "VOCdevkit", name) })
        {
            if (Directory.Exists(Path.Combine(candidate, marker)))
                return candidate;
        }
        return folder;
    }

    // Layouts with a split file: one id per line, image <images>/<id>.jpg, label <labels>/<id>.png (mmseg reads the
    // ann_file's lines, stripped, in order).
    private static EvalDataset FromSplit(EvalDatasetKind kind, int classes, string root, string name, string labelFolder, string splitFile, bool reduceZero)
    {
        var layout = $"a {name} dataset holds JPEGImages, {labelFolder} and {splitFile.Replace('\\', '/')}";
        var images = RequireFolder(root, "JPEGImages", layout);
        var labels = RequireFolder(root, labelFolder, layout);
        var split = Path.Combine(root, splitFile);
        if (!File.Exists(split))
            throw new EngineInputException(split, $"missing: {layout}");
        var samples = new List<EvalSample>();
        foreach (var line in File.ReadLines(split))
        {
            var id = line.Trim();
            if (id.Length == 0)
                continue;
            samples.Add(Sample(id, Path.Combine(images, id + ".jpg"), Path.Combine(labels, id + ".png"), reduceZero, $"listed in {Path.GetFileName(split)}"));
        }
        if (samples.Count == 0)
            throw new EngineInputException(split, "the split file lists no images");
        return new EvalDataset(kind, root, classes, samples);
    }

    // Layouts without a split file: every image under <images> (recursively) whose name ends in `imageSuffix`, its label
    // at the same relative path under <labels> with the suffix replaced (mmseg's BaseSegDataset folder scan).
    private static EvalDataset FromFolders(EvalDatasetKind kind, int classes, string root, string name,
        string imageFolder, string imageSuffix, string labelFolder, string labelSuffix, bool reduceZero)
    {
        var layout = $"a {name} dataset holds {imageFolder.Replace('\\', '/')} (images *{imageSuffix}) and {labelFolder.Replace('\\', '/')} (labels *{labelSuffix})";
        var images = RequireFolder(root, imageFolder, layout);
        var labels = RequireFolder(root, labelFolder, layout);
        var relative = Directory.EnumerateFiles(images, "*" + imageSuffix, SearchOption.AllDirectories)
            .Select(path => Path.GetRelativePath(images, path))
            .Where(path => path.EndsWith(imageSuffix, StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .ToList();
        if (relative.Count == 0)
            throw new EngineInputException(images, $"holds no *{imageSuffix} images; {layout}");
        var samples = relative.Select(path =>
        {
            var id = path[..^imageSuffix.Length];
            return Sample(id.Replace('\\', '/'), Path.Combine(images, path), Path.Combine(labels, id + labelSuffix), reduceZero, null);
        }).ToList();
        return new EvalDataset(kind, root, classes, samples);
    }

    private static string RequireFolder(string root, string folder, string layout)
    {
        var path = Path.Combine(root, folder);
        if (!Directory.Exists(path))
            throw new EngineInputException(root, $"no {folder.Replace('\\', '/')} folder: {layout}");
        return path;
    }

    private static EvalSample Sample(string id, string image, string label, bool reduceZero, string? listedIn)
    {
        if (!File.Exists(image))
            throw new EngineInputException(image, listedIn is null ? "missing" : $"missing, but {listedIn}");
        if (!File.Exists(label))
            throw new EngineInputException(label, $"missing: the label map of {Path.GetFileName(image)}");
        return new EvalSample(id, image, label, reduceZero);
    }
}
