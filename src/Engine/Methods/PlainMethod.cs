using ClipSurgeryWeb.Engine.Explaining;
using ClipSurgeryWeb.Engine.Surgery;

namespace ClipSurgeryWeb.Engine.Methods;

/// <summary>Plain CLIP, <c>f @ tᵀ</c> of the plain path's tokens and the labels, for contrast (<c>plain</c>).</summary>
public sealed class PlainMethod : IMapMethod
{
    public MapMethod Method => MapMethod.Plain;

    public string DisplayName => "Plain CLIP";

    public IReadOnlyList<string> Aliases => ["clip"];

    public bool NeedsLabels => true;

    public IImageEncoding Encoding => PlainEncoding.Instance;

    public IReadOnlyList<Heatmap> Draw(MapInputs inputs, IReadOnlyList<string> targets, CancellationToken ct)
    {
        var similarity = FeatureSurgery.PlainSimilarity(inputs.Features, inputs.LabelFeatures!);     // [1, 1+N, T]
        return targets.Select(t => MapDrawing.LabelSetMap(Method, similarity, inputs.Labels, t, inputs.Height, inputs.Width, inputs.Resolution)).ToList();
    }
}
