using ClipSurgeryWeb.Engine.Methods;

namespace ClipSurgeryWeb.Jobs.Evaluation;

/// <summary>
/// The methods an eval may score: those that draw a label map (every dense method and CLIP Surgery, as the label
/// segmenter takes them). Plain CLIP's and single-target maps are heatmaps, not argmax label maps, so they are refused
/// before anything is queued instead of failing on the GPU worker.
/// </summary>
public static class EvalMethods
{
    /// <summary>In the registry's drawing order, so the page's checkboxes and a run's methods read in one order.</summary>
    public static IReadOnlyList<MapMethod> All => Running.LabelMapChoice.Offered;

    public static bool Allows(MapMethod method) => All.Contains(method);
}
