using ClipSurgeryWeb.Engine.Explaining;
using ClipSurgeryWeb.Engine.Surgery;

namespace ClipSurgeryWeb.Engine.Methods;

/// <summary>CLIP Surgery: the Surgery path's tokens against the label set with feature surgery (<c>cs</c>).</summary>
public sealed class SurgeryMethod : IMapMethod
{
    public MapMethod Method => MapMethod.Surgery;

    public string DisplayName => "Surgery";

    public IReadOnlyList<string> Aliases => ["surgery"];

    public bool NeedsLabels => true;

    public IImageEncoding Encoding => SurgeryEncoding.Instance;

    public IReadOnlyList<Heatmap> Draw(MapInputs inputs, IReadOnlyList<string> targets, CancellationToken ct)
    {
        var similarity = FeatureSurgery.Similarity(inputs.Features, inputs.LabelFeatures!);        // [1, 1+N, T]
        return targets.Select(t => MapDrawing.LabelSetMap(Method, similarity, inputs.Labels, t, inputs.Height, inputs.Width, inputs.Resolution)).ToList();
    }
}
