using ClipSurgeryWeb.Engine.Pipeline;
using TorchSharp;
using static TorchSharp.torch;

namespace ClipSurgeryWeb.Engine.Scores;

/// <summary>
/// CLIP's own zero-shot classification of one image over a label set, as OpenAI's <c>CLIP.forward</c> computes it:
/// the L2-normalised image embedding against the (already normalised) label features, <c>logit_scale.exp()</c> times
/// the cosines, softmax over the labels. It answers "which label fits the whole picture" beside the maps' "where".
/// </summary>
public static class ZeroShotScores
{
    /// <summary>
    /// Ranks <paramref name="labels"/> for one image. <paramref name="imageEmbedding"/>: the raw pooled embedding
    /// <c>[D]</c>; <paramref name="labelFeatures"/>: one normalised row per label, <c>[T, D]</c>, in label order. A label
    /// given twice competes once. Most probable first, ties by label (ordinal).
    /// </summary>
    public static IReadOnlyList<LabelScore> Rank(Tensor imageEmbedding, Tensor labelFeatures, float logitScale, IReadOnlyList<string> labels)
    {
        using var scope = torch.NewDisposeScope();
        var first = labels.Select((l, i) => (Label: l, Index: i)).DistinctBy(p => p.Label, StringComparer.Ordinal).ToList();
        var rows = torch.tensor(first.Select(p => (long)p.Index).ToArray(), device: labelFeatures.device);
        var text = labelFeatures.index_select(0, rows).to(ScalarType.Float32);                 // [T', D]
        var image = imageEmbedding.to(ScalarType.Float32);
        image = image / image.norm();                                                           // [D]
        var cosines = text.matmul(image);                                                       // [T', D] @ [D] -> [T']
        var probabilities = torch.softmax(cosines * logitScale, 0);                             // [T']
        var cos = cosines.cpu().data<float>().ToArray();
        var prob = probabilities.cpu().data<float>().ToArray();
        return first.Select((p, j) => new LabelScore(p.Label, prob[j], cos[j]))
            .OrderByDescending(s => s.Probability).ThenBy(s => s.Label, StringComparer.Ordinal).ToList();
    }
}
