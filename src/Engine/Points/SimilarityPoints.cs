using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace ClipSurgeryWeb.Engine.Points;

/// <summary>Text → points: where a Surgery map is hottest (positives) and coldest (negatives), as the reference picks them.</summary>
public static class SimilarityPoints
{
    public const float DefaultThreshold = 0.8f;

    /// <summary>
    /// The reference's <c>similarity_map_to_points</c> for one label's tokens <c>[N]</c> (no class token):
    /// side×side → bilinear down to (side/2)² → min–max → ascending sort; <c>num = min(#(≥ t), cells/2)</c>;
    /// positives = the last <c>num</c> cells of the sort, negatives = the first <c>num</c>; cell centres scaled to
    /// the image (float32 arithmetic and truncation, as the reference's tensors).
    /// </summary>
    public static SamPrompt FromTokens(Tensor tokens, int imageHeight, int imageWidth, float threshold = DefaultThreshold)
    {
        float[] cells;
        int h, w;
        using (var scope = torch.NewDisposeScope())
        {
            int side = (int)Math.Sqrt(tokens.shape[0]);
            int down = side / 2;
            var sm = tokens.to(ScalarType.Float32).reshape(1, 1, side, side);                         // [N] -> [1, 1, S, S]
            sm = F.interpolate(sm, [down, down], mode: InterpolationMode.Bilinear, align_corners: false)[0, 0];  // [S/2, S/2]
            (h, w) = ((int)sm.shape[0], (int)sm.shape[1]);
            sm = sm.reshape(-1);                                                                        // [h·w]
            sm = (sm - sm.min()) / (sm.max() - sm.min());
            cells = sm.cpu().data<float>().ToArray();
        }

        // Stable ascending order (ties cannot reorder between runs).
        var rank = Enumerable.Range(0, cells.Length).OrderBy(i => cells[i]).ToArray();
        int num = Math.Min(cells.Count(v => v >= threshold), cells.Length / 2);
        var scaleW = (float)((double)imageWidth / w);
        var scaleH = (float)((double)imageHeight / h);

        (int, int) Centre(int i)
        {
            float x = Math.Min(((i % w) + 0.5f) * scaleW, imageWidth - 1);
            float y = Math.Min(((i / w) + 0.5f) * scaleH, imageHeight - 1);
            return ((int)x, (int)y);
        }

        var points = rank[^num..].Select(Centre).Concat(rank[..num].Select(Centre)).ToArray();
        var labels = Enumerable.Repeat(1, num).Concat(Enumerable.Repeat(0, num)).ToArray();
        return new SamPrompt(points, labels);
    }

    /// <summary>
    /// Combined targets (<c>a+b</c>) as the reference's demo: each target's single-label Surgery tokens
    /// <c>[N, K]</c> are min–max normalised; the negatives come from their mean map, then each target's positives follow.
    /// </summary>
    public static SamPrompt ForCombination(Tensor tokensPerTarget, int imageHeight, int imageWidth, float threshold = DefaultThreshold)
    {
        using var scope = torch.NewDisposeScope();
        var sm = tokensPerTarget;
        var norm = (sm - sm.amin([0], keepdim: true)) / (sm.amax([0], keepdim: true) - sm.amin([0], keepdim: true));
        var mean = norm.mean([-1]);                                                                     // [N]
        var prompt = FromTokens(mean, imageHeight, imageWidth, threshold).Negatives;
        for (int k = 0; k < sm.shape[1]; k++)
            prompt = prompt.Concat(FromTokens(sm[.., k], imageHeight, imageWidth, threshold).Positives);
        return prompt;
    }
}
