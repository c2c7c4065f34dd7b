namespace ClipSurgeryWeb.Engine.Explaining;

/// <summary>
/// What to explain: the label set (feature surgery competes them against each other), the targets to draw
/// (labels, or <c>a+b</c> combinations; default: every label), the input resolution (default: the model's own)
/// and the modes.
/// </summary>
public sealed record ExplainRequest(
    IReadOnlyList<string> Labels,
    IReadOnlyList<string>? Targets = null,
    int? Resolution = null,
    ExplainMode Modes = ExplainMode.Surgery)
{
    public const char CombineSeparator = '+';

    /// <summary>The targets to draw, each once (default: every label).</summary>
    public IReadOnlyList<string> EffectiveTargets => (Targets is { Count: > 0 } ? Targets : Labels).Distinct(StringComparer.Ordinal).ToList();

    /// <summary>Parts of a target: <c>"person+bench"</c> → person, bench.</summary>
    public static IReadOnlyList<string> Parts(string target) =>
        target.Split(CombineSeparator, StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);

    /// <summary>Splits a comma-separated list, trimming each entry and dropping empty ones.</summary>
    public static IReadOnlyList<string> SplitList(string? text) =>
        (text ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);

    /// <summary>Throws a clear <see cref="EngineInputException"/> for a request that cannot be explained.</summary>
    public void Validate()
    {
        if (Labels.Count == 0 && (Modes & (ExplainMode.Surgery | ExplainMode.Plain)) != 0)
            throw new EngineInputException("labels", "the label list is empty");
        if (Labels.Any(string.IsNullOrWhiteSpace))
            throw new EngineInputException("labels", "a label is empty");
        if (EffectiveTargets.Count == 0)
            throw new EngineInputException("targets", "nothing to explain: no targets and no labels");
        if (Resolution is { } r && (r < 32 || r > 4096))
            throw new EngineInputException("resolution", $"{r} is outside 32…4096");
        var clash = EffectiveTargets.GroupBy(OutputNames.FileLabel).FirstOrDefault(g => g.Count() > 1);
        if (clash is not null)
            throw new EngineInputException("targets", $"{string.Join(" and ", clash.Select(t => $"'{t}'"))} would be written to the same file name ('{clash.Key}')");
        foreach (var target in EffectiveTargets)
        {
            var parts = Parts(target);
            if (parts.Count == 0)
                throw new EngineInputException($"target '{target}'", "has no label in it");
            if ((Modes & (ExplainMode.Surgery | ExplainMode.Plain)) != 0)
            {
                var unknown = parts.FirstOrDefault(p => !Labels.Contains(p));
                if (unknown is not null)
                    throw new EngineInputException($"target '{target}'", $"'{unknown}' is not one of the labels ({string.Join(", ", Labels)})");
            }
        }
    }
}
