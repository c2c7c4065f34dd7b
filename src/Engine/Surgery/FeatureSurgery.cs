using TorchSharp;
using static TorchSharp.torch;

namespace ClipSurgeryWeb.Engine.Surgery;

/// <summary>
/// CLIP Surgery's feature surgery: similarities between image tokens <c>[B, 1+N, C]</c> and text features
/// <c>[T, C]</c>, as the reference's <c>clip_feature_surgery</c> computes them. Always in fp32, whatever the model's
/// precision: the encoders and the prompt ensemble hand back fp32 features (OpenAI's recipe keeps this arithmetic,
/// its softmax included, out of half precision).
/// </summary>
public static class FeatureSurgery
{
    /// <summary>
    /// Normalises image features over the TOKEN axis: <c>f / f.norm(dim=1, keepdim=True)</c> on <c>[B, N, C]</c>.
    /// This is the reference's behaviour (a per-token L2 norm would use dim = -1); kept on purpose for parity.
    /// </summary>
    public static Tensor NormalizeOverTokens(Tensor imageFeatures)
    {
        using var scope = torch.NewDisposeScope();
        return (imageFeatures / imageFeatures.norm(1, keepdim: true)).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Several labels: <c>prob = softmax(2 · f_cls tᵀ)</c>, <c>w = prob / mean(prob)</c>,
    /// <c>feats = f ⊙ t · w</c> per label, minus its mean over labels, summed over channels → <c>[B, 1+N, T]</c>.
    /// The weights are computed per image (the reference reshapes them for batch 1 only).
    /// Σ_c (f_c t_c w − mean_t f_c t_c w) equals (f·t) w − mean_t((f·t) w), so the <c>[B, N, T, C]</c> product is
    /// never built; the numbers agree with the reference's to float rounding.
    /// </summary>
    public static Tensor Similarity(Tensor imageFeatures, Tensor textFeatures)
    {
        using var scope = torch.NewDisposeScope();
        var prob = (imageFeatures[.., ..1].matmul(textFeatures.t()) * 2).softmax(-1);   // [B, 1, T]
        var w = prob / prob.mean([-1], keepdim: true);                                  // [B, 1, T]
        var weighted = imageFeatures.matmul(textFeatures.t()) * w;                      // [B, 1+N, T]
        return (weighted - weighted.mean([-1], keepdim: true)).MoveToOuterDisposeScope();
    }

    /// <summary>One label (or several scored independently): <c>f @ (t − redundant)ᵀ</c> → <c>[B, 1+N, T]</c>.</summary>
    public static Tensor SimilarityWithRedundant(Tensor imageFeatures, Tensor textFeatures, Tensor redundant)
    {
        using var scope = torch.NewDisposeScope();
        return imageFeatures.matmul((textFeatures - redundant).t()).MoveToOuterDisposeScope();
    }

    /// <summary>Plain CLIP: <c>f @ tᵀ</c> → <c>[B, 1+N, T]</c>.</summary>
    public static Tensor PlainSimilarity(Tensor imageFeatures, Tensor textFeatures)
    {
        using var scope = torch.NewDisposeScope();
        return imageFeatures.matmul(textFeatures.t()).MoveToOuterDisposeScope();
    }
}
