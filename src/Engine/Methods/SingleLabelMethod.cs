using ClipSurgeryWeb.Engine.Explaining;
using ClipSurgeryWeb.Engine.Points;
using ClipSurgeryWeb.Engine.Surgery;
using ClipSurgeryWeb.Engine.Text;

namespace ClipSurgeryWeb.Engine.Methods;

/// <summary>
/// Single-label CLIP Surgery (<c>single</c>): each target's parts against the empty label's redundant feature, with the
/// SAM point prompts the reference takes from this map (a target <c>a+b</c>: negatives from the parts' mean map).
/// </summary>
public sealed class SingleLabelMethod : IMapMethod
{
    public MapMethod Method => MapMethod.Single;

    public string DisplayName => "Single label";

    public bool NeedsLabels => false;

    public IImageEncoding Encoding => SurgeryEncoding.Instance;

    public IReadOnlyList<Heatmap> Draw(MapInputs inputs, IReadOnlyList<string> targets, CancellationToken ct)
    {
        var maps = new List<Heatmap>();
        var redundant = inputs.Text.Encode([PromptEnsemble.RedundantLabel], inputs.Device);       // [1, D]
        foreach (var target in targets)
        {
            var parts = ExplainRequest.Parts(target);
            var similarity = FeatureSurgery.SimilarityWithRedundant(inputs.Features, inputs.Text.Encode(parts, inputs.Device), redundant);  // [1, 1+N, K]
            var tokens = similarity[0, 1..];                                          // [N, K]
            var prompt = parts.Count == 1
                ? SimilarityPoints.FromTokens(tokens[.., 0], inputs.Height, inputs.Width)
                : SimilarityPoints.ForCombination(tokens, inputs.Height, inputs.Width);
            var map = parts.Count == 1 ? similarity[.., 1..] : MapDrawing.CombinedTokens(tokens);   // [1, N, 1]
            maps.Add(MapDrawing.ToHeatmap(Method, target, map, inputs.Height, inputs.Width, prompt, inputs.Resolution));
            ct.ThrowIfCancellationRequested();
        }
        return maps;
    }
}
