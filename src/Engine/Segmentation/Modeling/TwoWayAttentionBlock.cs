using TorchSharp;
using TorchSharp.Modules;
using Tensor = TorchSharp.torch.Tensor;

namespace ClipSurgeryWeb.Engine.Segmentation;

/// <summary>
/// One block of the two-way transformer (SAM's <c>TwoWayAttentionBlock</c>): token self-attention, tokens → image
/// cross-attention, ReLU MLP on the tokens, image → tokens cross-attention; each followed by a layer norm. The first
/// block skips the positional encoding in its self-attention and replaces the queries with its output.
/// </summary>
internal sealed class TwoWayAttentionBlock : torch.nn.Module<Tensor, Tensor, Tensor, Tensor, (Tensor Queries, Tensor Keys)>
{
    private readonly TwoWayAttention self_attn;
    private readonly LayerNorm norm1;
    private readonly TwoWayAttention cross_attn_token_to_image;
    private readonly LayerNorm norm2;
    private readonly MlpBlock mlp;
    private readonly LayerNorm norm3;
    private readonly TwoWayAttention cross_attn_image_to_token;
    private readonly LayerNorm norm4;
    private readonly bool _skipFirstLayerPe;

    public TwoWayAttentionBlock(long embeddingDim, long numHeads, long mlpDim, long attentionDownsampleRate, bool skipFirstLayerPe)
        : base(nameof(TwoWayAttentionBlock))
    {
        self_attn = new TwoWayAttention(embeddingDim, numHeads);
        norm1 = torch.nn.LayerNorm(embeddingDim);
        cross_attn_token_to_image = new TwoWayAttention(embeddingDim, numHeads, attentionDownsampleRate);
        norm2 = torch.nn.LayerNorm(embeddingDim);
        mlp = new MlpBlock(embeddingDim, mlpDim, torch.nn.ReLU());
        norm3 = torch.nn.LayerNorm(embeddingDim);
        cross_attn_image_to_token = new TwoWayAttention(embeddingDim, numHeads, attentionDownsampleRate);
        norm4 = torch.nn.LayerNorm(embeddingDim);
        _skipFirstLayerPe = skipFirstLayerPe;
        RegisterComponents();
    }

    public override (Tensor Queries, Tensor Keys) forward(Tensor queries, Tensor keys, Tensor queryPe, Tensor keyPe)
    {
        using var scope = torch.NewDisposeScope();
        // Self attention of the tokens.
        if (_skipFirstLayerPe)
        {
            queries = self_attn.call(queries, queries, queries);
        }
        else
        {
            var qSelf = queries + queryPe;
            queries = queries + self_attn.call(qSelf, qSelf, queries);
        }
        queries = norm1.call(queries);

        // Tokens attend to the image.
        var q = queries + queryPe;
        var k = keys + keyPe;
        queries = norm2.call(queries + cross_attn_token_to_image.call(q, k, keys));

        queries = norm3.call(queries + mlp.call(queries));

        // The image attends to the tokens.
        q = queries + queryPe;
        k = keys + keyPe;
        keys = norm4.call(keys + cross_attn_image_to_token.call(k, q, queries));

        return (queries.MoveToOuterDisposeScope(), keys.MoveToOuterDisposeScope());
    }
}
