using ClipSurgeryWeb.Engine.Methods;

namespace ClipSurgeryWeb.Data;

/// <summary>What a run was asked to do; stored as JSON on <see cref="JobRun"/>.</summary>
public sealed record RunSettings
{
    /// <summary>The CLIP model's name; each worker finds the file in its own models folder.</summary>
    public string? ModelName { get; init; }

    /// <summary>The SAM model's name, when masks are wanted.</summary>
    public string? SamModelName { get; init; }

    public IReadOnlyList<string> Labels { get; init; } = [];

    public IReadOnlyList<string> Targets { get; init; } = [];

    /// <summary>The map methods (stored as their names).</summary>
    public IReadOnlyList<MapMethod> Modes { get; init; } = [];

    public int? Resolution { get; init; }

    public int Iterations { get; init; } = 400;

    public int? Seed { get; init; }

    /// <summary>
    /// "fp32", "fp16" or "bf16"; null (runs stored before precisions existed, or "auto" asked for) = the server's
    /// default, <c>ClipSurgery:Precision</c>.
    /// </summary>
    public string? Precision { get; init; }

    /// <summary>For downloads: the official model name.</summary>
    public string? OfficialName { get; init; }

    /// <summary>Label maps (open-vocabulary segmentation) and evaluations: the methods whose label maps are drawn; empty = none.</summary>
    public IReadOnlyList<MapMethod> LabelMethods { get; init; } = [];

    /// <summary>Label maps: the classes, one per item, each item's names comma-separated (<c>"person, people"</c>); empty = the labels, one class each.</summary>
    public IReadOnlyList<string> Classes { get; init; } = [];

    /// <summary>Label maps: a background class in front of the classes.</summary>
    public bool Background { get; init; }

    /// <summary>Label maps: pixels whose best class probability is below this go to class 0 (0 = off).</summary>
    public double Threshold { get; init; }

    /// <summary>
    /// Label maps and evaluations: PAMR refinement (NACLIP). Label maps: true = on, false or null = off. Evaluations:
    /// null = each method's own code (NACLIP on), true/false = forced for the methods that offer it (an eval stored
    /// before protocols holds false: it ran with PAMR off).
    /// </summary>
    public bool? Pamr { get; init; }

    /// <summary>Label maps and evaluations: the short side images are resized to; null = the methods' default (an eval: its dataset's).</summary>
    public int? ShortSide { get; init; }

    /// <summary>Evaluations: the benchmark and its folder on the server.</summary>
    public ClipSurgeryWeb.Engine.Evaluation.EvalDatasetKind? Dataset { get; init; }

    public string? DatasetFolder { get; init; }

    /// <summary>Evaluations: only the first N images.</summary>
    public int? Limit { get; init; }
}
