using ClipSurgeryWeb.Engine.Imaging;
using ClipSurgeryWeb.Engine.Methods;

namespace ClipSurgeryWeb.Engine.Explaining;

/// <summary>
/// What to explain: the label set (feature surgery competes them against each other), the targets to draw
/// (labels, or <c>a+b</c> combinations; default: every label), the input resolution (default: the model's own)
/// and the map methods (default: CLIP Surgery). <see cref="Validate"/> is the one check every caller (CLI, API, pages,
/// jobs) runs, so they all refuse the same requests with the same {subject, reason}.
/// </summary>
public sealed record ExplainRequest(
    IReadOnlyList<string> Labels,
    IReadOnlyList<string>? Targets = null,
    int? Resolution = null,
    IReadOnlyList<MapMethod>? Methods = null)
{
    public const char CombineSeparator = '+';

    /// <summary>The methods to draw, each once, in drawing order (<see cref="MapMethods"/>; default: Surgery).</summary>
    public IReadOnlyList<MapMethod> EffectiveMethods =>
        Methods is { Count: > 0 } ? Methods.Distinct().OrderBy(MapMethods.Order).ToList() : [MapMethod.Surgery];

    /// <summary>The targets to draw, each once (default: every label).</summary>
    public IReadOnlyList<string> EffectiveTargets => (Targets is { Count: > 0 } ? Targets : Labels).Distinct(StringComparer.Ordinal).ToList();

    /// <summary>Whether any method competes targets against the label set (then they must be made of labels).</summary>
    public bool NeedsLabels => EffectiveMethods.Any(m => MapMethods.Get(m).NeedsLabels);

    /// <summary>Parts of a target: <c>"person+bench"</c> → person, bench.</summary>
    public static IReadOnlyList<string> Parts(string target) =>
        target.Split(CombineSeparator, StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);

    /// <summary>Splits a comma-separated list, trimming each entry and dropping empty ones.</summary>
    public static IReadOnlyList<string> SplitList(string? text) =>
        (text ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);

    /// <summary>Throws a clear <see cref="EngineInputException"/> for a request that cannot be explained.</summary>
    public void Validate()
    {
        foreach (var method in EffectiveMethods)
            MapMethods.Get(method);
        if (Labels.Count == 0 && NeedsLabels)
            throw new EngineInputException("labels", "the label list is empty");
        if (Labels.Any(string.IsNullOrWhiteSpace))
            throw new EngineInputException("labels", "a label is empty");
        if (EffectiveTargets.Count == 0)
            throw new EngineInputException("targets", "nothing to explain: no targets and no labels");
        if (Resolution is { } r)
            ImageSizes.CheckResolution("resolution", r);
        var clash = EffectiveTargets.GroupBy(OutputNames.FileLabel).FirstOrDefault(g => g.Count() > 1);
        if (clash is not null)
            throw new EngineInputException("targets", $"{string.Join(" and ", clash.Select(t => $"'{t}'"))} would be written to the same file name ('{clash.Key}')");
        foreach (var target in EffectiveTargets)
        {
            var parts = Parts(target);
            if (parts.Count == 0)
                throw new EngineInputException($"target '{target}'", "has no label in it");
            if (target.Split(CombineSeparator).Any(string.IsNullOrWhiteSpace))
                throw new EngineInputException($"target '{target}'", "has nothing on one side of '+': write labels on both sides, as in 'person+bench'");
            if (NeedsLabels)
            {
                var unknown = parts.FirstOrDefault(p => !Labels.Contains(p));
                if (unknown is not null)
                    throw new EngineInputException($"target '{target}'", $"'{unknown}' is not one of the labels ({string.Join(", ", Labels)})");
            }
        }
    }
}
