using TorchSharp;
using TorchSharp.Modules;
using Tensor = TorchSharp.torch.Tensor;

namespace ClipSurgeryWeb.Engine.Segmentation;

/// <summary>
/// Attention of the two-way transformer (SAM's <c>transformer.Attention</c>): separate q/k/v projections to an
/// internal width of <c>dim / downsampleRate</c>, heads, softmax(q·kᵀ/√d)·v, output projection back to <c>dim</c>.
/// </summary>
internal sealed class TwoWayAttention : torch.nn.Module<Tensor, Tensor, Tensor, Tensor>
{
    private readonly Linear q_proj;
    private readonly Linear k_proj;
    private readonly Linear v_proj;
    private readonly Linear out_proj;
    private readonly long _numHeads;

    public TwoWayAttention(long embeddingDim, long numHeads, long downsampleRate = 1) : base(nameof(TwoWayAttention))
    {
        var internalDim = embeddingDim / downsampleRate;
        if (internalDim % numHeads != 0)
            throw new ArgumentException($"{numHeads} heads do not divide the attention width {internalDim}.");
        _numHeads = numHeads;
        q_proj = torch.nn.Linear(embeddingDim, internalDim);
        k_proj = torch.nn.Linear(embeddingDim, internalDim);
        v_proj = torch.nn.Linear(embeddingDim, internalDim);
        out_proj = torch.nn.Linear(internalDim, embeddingDim);
        RegisterComponents();
    }

    public override Tensor forward(Tensor q, Tensor k, Tensor v)
    {
        using var scope = torch.NewDisposeScope();
        var qh = SeparateHeads(q_proj.call(q));
        var kh = SeparateHeads(k_proj.call(k));
        var vh = SeparateHeads(v_proj.call(v));

        var cPerHead = qh.shape[3];
        // [B, heads, Nq, c] @ [B, heads, c, Nk] -> [B, heads, Nq, Nk]
        var attn = torch.matmul(qh, kh.permute(0, 1, 3, 2));
        attn = attn / Math.Sqrt(cPerHead);
        attn = torch.softmax(attn, -1);

        var output = RecombineHeads(torch.matmul(attn, vh));
        return out_proj.call(output).MoveToOuterDisposeScope();
    }

    private Tensor SeparateHeads(Tensor x)
    {
        var (b, n, c) = (x.shape[0], x.shape[1], x.shape[2]);
        // [B, N, C] -> [B, N, heads, C/heads] -> [B, heads, N, C/heads]
        return x.reshape(b, n, _numHeads, c / _numHeads).transpose(1, 2);
    }

    private static Tensor RecombineHeads(Tensor x)
    {
        var (b, heads, n, c) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3]);
        // [B, heads, N, C/heads] -> [B, N, heads, C/heads] -> [B, N, C]
        return x.transpose(1, 2).reshape(b, n, heads * c);
    }
}
