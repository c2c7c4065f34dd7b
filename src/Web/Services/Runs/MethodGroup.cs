using ClipSurgeryWeb.Engine.Methods;
using ClipSurgeryWeb.Jobs.Running;

namespace ClipSurgeryWeb.Web.Services.Runs;

/// <summary>
/// The methods as the pickers group them, from the registry (never a list of names here): CLIP Surgery's own maps, then
/// the training-free dense methods (<see cref="DenseMethod"/>), which are ViT-only.
/// </summary>
public sealed record MethodGroup(string Key, string Title, IReadOnlyList<IMapMethod> Methods)
{
    public const string SurgeryKey = "surgery";
    public const string DenseKey = "dense";

    /// <summary><paramref name="methods"/> in drawing order, split into the two groups; an empty group is left out.</summary>
    public static IReadOnlyList<MethodGroup> Of(IEnumerable<IMapMethod> methods)
    {
        var list = methods.OrderBy(m => MapMethods.Order(m.Method)).ToList();
        return new[]
        {
            new MethodGroup(SurgeryKey, "CLIP Surgery", list.Where(m => m is not DenseMethod).ToList()),
            new MethodGroup(DenseKey, "Training-free dense methods", list.Where(m => m is DenseMethod).ToList()),
        }.Where(g => g.Methods.Count > 0).ToList();
    }

    /// <summary>Every registered method, for heatmaps.</summary>
    public static IReadOnlyList<MethodGroup> Heatmaps => Of(MapMethods.All);

    /// <summary>The methods that draw label maps (<see cref="LabelMapChoice.Offered"/>).</summary>
    public static IReadOnlyList<MethodGroup> LabelMaps => Of(LabelMapChoice.Offered.Select(MapMethods.Get));
}
