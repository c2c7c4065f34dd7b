namespace ClipSurgeryWeb.Engine.Evaluation;

/// <summary>
/// A benchmark's test settings as the methods' configs (NACLIP and SCLIP <c>configs/cfg_&lt;dataset&gt;.py</c>) give
/// them, and its name on the command line. An eval uses <see cref="ShortSide"/> (unless the request says another)
/// and <see cref="Threshold"/>; the SCLIP-only settings are carried so the report can say what differs from SCLIP's
/// own runs, but the label head takes one logit scale per method (<c>DenseHead.LogitScale</c>), not per dataset.
/// </summary>
/// <param name="Name">The CLI's word: <c>voc21</c>, <c>coco-object</c>, …</param>
/// <param name="ShortSide">The test pipeline's <c>Resize(scale=(2048, short))</c>.</param>
/// <param name="Threshold">The configs' <c>prob_thd</c> (both methods agree on it): pixels whose best class
/// probability is below it go to class 0, the background (0.1 for the three sets with a background class).</param>
/// <param name="SclipLogitScale">SCLIP's <c>logit_scale</c> for this set when its config overrides the default 40.</param>
/// <param name="SclipAreaThreshold">SCLIP's <c>area_thd</c> (VOC21 only), not applied here.</param>
/// <param name="NaclipWholeImage">NACLIP's <c>slide_crop=0</c> (VOC21, VOC20: the whole image in one window), not applied here.</param>
public sealed record EvalDatasetSettings(EvalDatasetKind Kind, string Name, int ShortSide, double Threshold,
    double? SclipLogitScale = null, double? SclipAreaThreshold = null, bool NaclipWholeImage = false)
{
    /// <summary>Every benchmark, in <see cref="EvalDatasetKind"/> order.</summary>
    public static IReadOnlyList<EvalDatasetSettings> All { get; } =
    [
        new(EvalDatasetKind.Voc21, "voc21", 336, 0.1, SclipLogitScale: 65, SclipAreaThreshold: 0.1, NaclipWholeImage: true),
        new(EvalDatasetKind.Voc20, "voc20", 336, 0, NaclipWholeImage: true),
        new(EvalDatasetKind.Context60, "context60", 336, 0.1, SclipLogitScale: 50),
        new(EvalDatasetKind.Context59, "context59", 336, 0),
        new(EvalDatasetKind.CocoObject, "coco-object", 336, 0.1, SclipLogitScale: 50),
        // NACLIP's cfg_coco_stuff164k uses 336; SCLIP's 448.
        new(EvalDatasetKind.CocoStuff, "coco-stuff", 336, 0),
        new(EvalDatasetKind.Cityscapes, "cityscapes", 560, 0),
        // The protocol (ADE 448); both methods' cfg_ade20k.py resize to 336 — pass --short-side 336 to match them.
        new(EvalDatasetKind.Ade20k, "ade20k", 448, 0),
    ];

    /// <summary>The CLI's words, for messages: "voc21, voc20, …".</summary>
    public static string Names => string.Join(", ", All.Select(s => s.Name));

    public static EvalDatasetSettings For(EvalDatasetKind kind) =>
        All.FirstOrDefault(s => s.Kind == kind) ?? throw new ArgumentOutOfRangeException(nameof(kind), kind, null);

    /// <summary>The benchmark called <paramref name="name"/> (any case; the enum's name too); refused with the known names.</summary>
    public static EvalDatasetKind Parse(string name)
    {
        var key = name.Trim();
        var found = All.FirstOrDefault(s => string.Equals(s.Name, key, StringComparison.OrdinalIgnoreCase)
            || string.Equals(s.Kind.ToString(), key, StringComparison.OrdinalIgnoreCase));
        return found?.Kind ?? throw new EngineInputException("--dataset", $"'{name}' is not one of {Names}");
    }
}
