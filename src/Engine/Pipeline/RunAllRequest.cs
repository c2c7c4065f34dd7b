using ClipSurgeryWeb.Engine.Batch;
using ClipSurgeryWeb.Engine.Methods;
using ClipSurgeryWeb.Engine.Opinions;

namespace ClipSurgeryWeb.Engine.Pipeline;

/// <summary>
/// The reference's runall for each image (<see cref="RunAllPlan"/>): opinions → labels and targets → maps of
/// <paramref name="Methods"/> (default: every registered one) → with <paramref name="Segment"/> SAM masks.
/// <paramref name="KnownOpinions"/> (by image key) are opinions stored before: those images skip gradient ascent.
/// </summary>
public sealed record RunAllRequest(
    IReadOnlyList<PipelineImage> Images,
    RunAllSettings Settings,
    string ModelName,
    IReadOnlyList<MapMethod>? Methods = null,
    bool Segment = false,
    bool SaveMaps = false,
    IReadOnlyDictionary<string, IReadOnlyList<TokenCount>>? KnownOpinions = null)
{
    /// <summary>The methods drawn, in drawing order.</summary>
    public IReadOnlyList<MapMethod> EffectiveMethods =>
        Methods is { Count: > 0 } ? Methods.Distinct().OrderBy(MapMethods.Order).ToList() : MapMethods.Defaults;

    public void Validate(int contextLength = 77)
    {
        PipelineImages.Check(Images);
        Settings.Validate(contextLength);
        foreach (var method in EffectiveMethods)
            MapMethods.Get(method);
    }
}
