using TorchSharp;
using TorchSharp.Modules;
using Tensor = TorchSharp.torch.Tensor;

namespace ClipSurgeryWeb.Engine.Segmentation;

/// <summary>
/// Multi-head self-attention of the image encoder with decomposed relative position terms
/// (SAM's <c>image_encoder.Attention</c> with <c>use_rel_pos=True</c>). Works on <c>[B, H, W, C]</c> tokens, where
/// H×W is the whole grid (global blocks) or one window.
/// </summary>
internal sealed class ImageEncoderAttention : torch.nn.Module<Tensor, Tensor>
{
    private readonly Linear qkv;
    private readonly Parameter rel_pos_h;
    private readonly Parameter rel_pos_w;
    private readonly Linear proj;
    private readonly long _numHeads;
    private readonly double _scale;

    /// <param name="inputSize">Grid side the relative tables are sized for (64 for global blocks, the window otherwise).</param>
    public ImageEncoderAttention(long dim, long numHeads, long inputSize) : base(nameof(ImageEncoderAttention))
    {
        _numHeads = numHeads;
        var headDim = dim / numHeads;
        _scale = Math.Pow(headDim, -0.5);
        qkv = torch.nn.Linear(dim, dim * 3, hasBias: true);
        rel_pos_h = new Parameter(torch.zeros(2 * inputSize - 1, headDim));
        rel_pos_w = new Parameter(torch.zeros(2 * inputSize - 1, headDim));
        proj = torch.nn.Linear(dim, dim);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = torch.NewDisposeScope();
        var (b, h, w) = (x.shape[0], x.shape[1], x.shape[2]);
        // [B, H, W, C] -> [B, H*W, 3, heads, C/heads] -> [3, B, heads, H*W, C/heads]
        var qkvHeads = qkv.call(x).reshape(b, h * w, 3, _numHeads, -1).permute(2, 0, 3, 1, 4);
        // [3, B, heads, H*W, C/heads] -> [3, B*heads, H*W, C/heads]
        var parts = qkvHeads.reshape(3, b * _numHeads, h * w, -1).unbind(0);
        var (q, k, v) = (parts[0], parts[1], parts[2]);

        // [B*heads, H*W, c] @ [B*heads, c, H*W] -> [B*heads, H*W, H*W]
        var attn = torch.matmul(q * _scale, k.transpose(-2, -1));
        attn = AddDecomposedRelPos(attn, q, rel_pos_h, rel_pos_w, (h, w), (h, w));
        attn = attn.softmax(-1);

        // [B*heads, H*W, C/heads] -> [B, heads, H, W, C/heads] -> [B, H, W, heads, C/heads] -> [B, H, W, C]
        var output = torch.matmul(attn, v).view(b, _numHeads, h, w, -1).permute(0, 2, 3, 1, 4).reshape(b, h, w, -1);
        return proj.call(output).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Relative position rows for every (query, key) pair along one axis: <c>[qSize, kSize, C]</c>. The table is
    /// linearly resized when it was trained for another size, and coordinates are scaled when q and k differ (as
    /// the reference's <c>get_rel_pos</c>).
    /// </summary>
    internal static Tensor GetRelPos(long qSize, long kSize, Tensor relPos)
    {
        using var scope = torch.NewDisposeScope();
        var maxRelDist = 2 * Math.Max(qSize, kSize) - 1;
        var resized = relPos;
        if (relPos.shape[0] != maxRelDist)
        {
            // [L, C] -> [1, L, C] -> [1, C, L]
            var table = relPos.reshape(1, relPos.shape[0], -1).permute(0, 2, 1);
            var interpolated = torch.nn.functional.interpolate(table, size: [maxRelDist], mode: torch.InterpolationMode.Linear);
            // [1, C, maxRelDist] -> [C, maxRelDist] -> [maxRelDist, C]
            resized = interpolated.reshape(-1, maxRelDist).permute(1, 0);
        }

        // Float coordinates as the reference computes them (int64 arange times a Python float gives float32):
        // [qSize] -> [qSize, 1] and [kSize] -> [1, kSize], broadcast to [qSize, kSize].
        var qCoords = torch.arange(qSize).unsqueeze(1) * Math.Max(kSize / (double)qSize, 1.0);
        var kCoords = torch.arange(kSize).unsqueeze(0) * Math.Max(qSize / (double)kSize, 1.0);
        var relativeCoords = (qCoords - kCoords) + (kSize - 1) * Math.Max(qSize / (double)kSize, 1.0);
        var index = relativeCoords.to(torch.int64).to(relPos.device);
        // [qSize*kSize] rows -> [qSize, kSize, C]
        var rows = resized.index_select(0, index.flatten()).view(qSize, kSize, -1);
        return rows.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Adds the height and width relative position terms to the attention logits (<c>add_decomposed_rel_pos</c>).
    /// <paramref name="attn"/> is modified in place and must be a tensor the caller owns and no longer needs.
    /// </summary>
    internal static Tensor AddDecomposedRelPos(Tensor attn, Tensor q, Tensor relPosH, Tensor relPosW, (long H, long W) qSize, (long H, long W) kSize)
    {
        using var scope = torch.NewDisposeScope();
        var rh = GetRelPos(qSize.H, kSize.H, relPosH);
        var rw = GetRelPos(qSize.W, kSize.W, relPosW);

        var (b, dim) = (q.shape[0], q.shape[2]);
        // [B, qH*qW, C] -> [B, qH, qW, C]
        var rq = q.reshape(b, qSize.H, qSize.W, dim);
        var relH = torch.einsum("bhwc,hkc->bhwk", rq, rh);
        var relW = torch.einsum("bhwc,wkc->bhwk", rq, rw);

        // [B, qH*qW, kH*kW] -> [B, qH, qW, kH, kW].
        // In place on the caller's fresh logits (same order of additions as the reference): a global block of
        // vit_h holds 16 × 4096² logits, and out-of-place sums would triple that memory.
        var result = attn.view(b, qSize.H, qSize.W, kSize.H, kSize.W);
        // relH [B, qH, qW, kH] -> [B, qH, qW, kH, 1]; relW [B, qH, qW, kW] -> [B, qH, qW, 1, kW]
        result.add_(relH.unsqueeze(-1)).add_(relW.unsqueeze(-2));
        // [B, qH, qW, kH, kW] -> [B, qH*qW, kH*kW]
        return result.view(b, qSize.H * qSize.W, kSize.H * kSize.W).MoveToOuterDisposeScope();
    }
}
