using ClipSurgeryWeb.Engine.Explaining;
using ClipSurgeryWeb.Engine.Maps;
using ClipSurgeryWeb.Engine.Points;
using TorchSharp;
using static TorchSharp.torch;

namespace ClipSurgeryWeb.Engine.Methods;

/// <summary>The steps map methods share: a target's column of a similarity, combined targets, and tokens → heatmap.</summary>
public static class MapDrawing
{
    /// <summary>A target's map from a similarity over the whole label set (<c>[1, 1+N, T]</c>): its column, or the mean of its parts' min–max columns.</summary>
    public static Heatmap LabelSetMap(MapMethod method, Tensor similarity, IReadOnlyList<string> labels, string target, int height, int width, int resolution)
    {
        var columns = ExplainRequest.Parts(target).Select(p => (long)IndexOf(labels, p)).ToArray();
        var tokens = similarity[0, 1..].index_select(1, torch.tensor(columns, device: similarity.device));   // [N, K]
        var map = columns.Length == 1 ? tokens.unsqueeze(0) : CombinedTokens(tokens);                         // [1, N, 1]
        return ToHeatmap(method, target, map, height, width, null, resolution);
    }

    /// <summary>Combined targets: each part min–max normalised over tokens, then their mean. <c>[N, K]</c> → <c>[1, N, 1]</c>.</summary>
    public static Tensor CombinedTokens(Tensor tokens)
    {
        var min = tokens.amin([0], keepdim: true);
        var norm = (tokens - min) / (tokens.amax([0], keepdim: true) - min);
        return norm.mean([-1], keepdim: true).unsqueeze(0);
    }

    /// <summary>
    /// Image tokens <c>[1, N, 1]</c> → a heatmap holding the min–max normalised grid (drawn at full size on demand) and
    /// the tokens' min and max, what the grid's 0 and 1 stand for. The range is read beside the normalisation, never
    /// fed into it: the map's numbers are the reference's whatever the range says. (For a combined target the tokens are
    /// the mean of its parts' normalised columns, so its range is in those units.)
    /// </summary>
    public static Heatmap ToHeatmap(MapMethod method, string target, Tensor tokens, int height, int width, SamPrompt? points, int resolution)
    {
        var grid = SimilarityMap.NormalizeTokens(tokens).contiguous();                       // [1, 1, S, S]
        var range = new MapRange(tokens.amin([0, 1, 2]).cpu().item<float>(), tokens.amax([0, 1, 2]).cpu().item<float>());
        return new Heatmap(method, target, height, width, grid.cpu().data<float>().ToArray(), (int)grid.shape[^1], points, resolution, range);
    }

    private static int IndexOf(IReadOnlyList<string> labels, string label)
    {
        for (int i = 0; i < labels.Count; i++)
        {
            if (labels[i] == label)
                return i;
        }
        throw new EngineInputException($"target '{label}'", "is not one of the labels");
    }
}
