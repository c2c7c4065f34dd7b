namespace ClipSurgeryWeb.Engine.Evaluation;

/// <summary>
/// A benchmark's name on the command line and the test settings for it: what CLIP Surgery (<c>cs</c>), which
/// publishes no eval code, is scored with. The dense methods are scored with their own code's settings
/// (<see cref="EvalProtocol.For"/>, <see cref="EvalProtocols"/>).
/// </summary>
/// <param name="Name">The CLI's word: <c>voc21</c>, <c>coco-object</c>, …</param>
/// <param name="ShortSide">The test pipeline's <c>Resize(scale=(2048, short))</c>: 336 as NACLIP's and SCLIP's configs
/// mostly, Cityscapes 560, ADE20K 448 as the issue states.</param>
/// <param name="Threshold">The probability threshold (NACLIP's <c>prob_thd</c>): pixels whose best class score is below
/// it go to class 0, the background (0.1 for the three sets with a background class).</param>
public sealed record EvalDatasetSettings(EvalDatasetKind Kind, string Name, int ShortSide, double Threshold)
{
    /// <summary>Every benchmark, in <see cref="EvalDatasetKind"/> order.</summary>
    public static IReadOnlyList<EvalDatasetSettings> All { get; } =
    [
        new(EvalDatasetKind.Voc21, "voc21", 336, 0.1),
        new(EvalDatasetKind.Voc20, "voc20", 336, 0),
        new(EvalDatasetKind.Context60, "context60", 336, 0.1),
        new(EvalDatasetKind.Context59, "context59", 336, 0),
        new(EvalDatasetKind.CocoObject, "coco-object", 336, 0.1),
        new(EvalDatasetKind.CocoStuff, "coco-stuff", 336, 0),
        new(EvalDatasetKind.Cityscapes, "cityscapes", 560, 0),
        // The protocol (ADE 448); the methods' own cfg_ade20k.py resize to 336 (NACLIP, SCLIP) or 448 (ClearCLIP).
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
