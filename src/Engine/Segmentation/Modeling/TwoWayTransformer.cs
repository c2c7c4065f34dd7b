using TorchSharp;
using TorchSharp.Modules;
using Tensor = TorchSharp.torch.Tensor;

namespace ClipSurgeryWeb.Engine.Segmentation;

/// <summary>
/// SAM's <c>TwoWayTransformer</c>: the prompt tokens and the flattened image embedding update each other through
/// <see cref="TwoWayAttentionBlock"/>s, then a last token → image attention and layer norm.
/// </summary>
internal sealed class TwoWayTransformer : torch.nn.Module<Tensor, Tensor, Tensor, (Tensor Queries, Tensor Keys)>
{
    private readonly ModuleList<TwoWayAttentionBlock> layers;
    private readonly TwoWayAttention final_attn_token_to_image;
    private readonly LayerNorm norm_final_attn;

    public TwoWayTransformer(long depth, long embeddingDim, long numHeads, long mlpDim, long attentionDownsampleRate)
        : base(nameof(TwoWayTransformer))
    {
        layers = new ModuleList<TwoWayAttentionBlock>();
        for (var i = 0; i < depth; i++)
            layers.Add(new TwoWayAttentionBlock(embeddingDim, numHeads, mlpDim, attentionDownsampleRate, skipFirstLayerPe: i == 0));
        final_attn_token_to_image = new TwoWayAttention(embeddingDim, numHeads, attentionDownsampleRate);
        norm_final_attn = torch.nn.LayerNorm(embeddingDim);
        RegisterComponents();
    }

    /// <param name="imageEmbedding"><c>[B, C, h, w]</c></param>
    /// <param name="imagePe">positional encoding of the same shape</param>
    /// <param name="pointEmbedding">tokens <c>[B, N, C]</c></param>
    /// <returns>processed tokens <c>[B, N, C]</c> and image tokens <c>[B, h·w, C]</c></returns>
    public override (Tensor Queries, Tensor Keys) forward(Tensor imageEmbedding, Tensor imagePe, Tensor pointEmbedding)
    {
        using var scope = torch.NewDisposeScope();
        // [B, C, h, w] -> [B, C, h*w] -> [B, h*w, C]
        var keys = imageEmbedding.flatten(2).permute(0, 2, 1);
        // [B, C, h, w] -> [B, C, h*w] -> [B, h*w, C]
        var keyPe = imagePe.flatten(2).permute(0, 2, 1);
        var queries = pointEmbedding;

        foreach (var layer in layers)
            (queries, keys) = layer.call(queries, keys, pointEmbedding, keyPe);

        var q = queries + pointEmbedding;
        var k = keys + keyPe;
        queries = norm_final_attn.call(queries + final_attn_token_to_image.call(q, k, keys));
        return (queries.MoveToOuterDisposeScope(), keys.MoveToOuterDisposeScope());
    }
}
