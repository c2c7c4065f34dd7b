using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace ClipSurgeryWeb.Engine.Models;

/// <summary>
/// <c>nn.MultiheadAttention</c> as CLIP's residual blocks hold it (<c>in_proj_weight</c>, <c>in_proj_bias</c>,
/// <c>out_proj</c>), working batch-first on <c>[B, L, C]</c>; the reference's <c>[L, B, C]</c> layout gives the same numbers.
/// Besides plain self-attention it computes CLIP Surgery's dual path (<see cref="ForwardDual"/>) from the same weights.
/// In half precision the softmax still accumulates in fp32: every <c>scaled_dot_product_attention</c> backend does
/// (CUDA flash / memory-efficient kernels keep the running max and sum in fp32; the CPU flash kernel uses fp32 as its
/// accumulate type; the math fallback upcasts fp16/bf16 to fp32 unless <c>allow_fp16_bf16_reduction_math_sdp</c> is
/// set, which we never do), as PyTorch's half softmax in the reference's <c>nn.MultiheadAttention</c> does on CUDA.
/// </summary>
public sealed class MultiheadAttention : nn.Module<Tensor, Tensor>
{
    private Parameter in_proj_weight;
    private Parameter in_proj_bias;
    private readonly Linear out_proj;

    private readonly int heads;
    private readonly bool causal;

    public MultiheadAttention(int width, int heads, bool causal) : base(nameof(MultiheadAttention))
    {
        if (width % heads != 0)
            throw new ArgumentException($"width {width} is not divisible by {heads} heads", nameof(heads));
        in_proj_weight = new Parameter(torch.empty(3 * width, width));
        in_proj_bias = new Parameter(torch.zeros(3 * width));
        out_proj = nn.Linear(width, width);
        this.heads = heads;
        this.causal = causal;
        RegisterComponents();
    }

    /// <summary>Self-attention; causal for the text tower. <paramref name="x"/>: <c>[B, L, C]</c>.</summary>
    public override Tensor forward(Tensor x)
    {
        using var scope = torch.NewDisposeScope();
        var (q, k, v) = ProjectHeads(x);
        var o = F.scaled_dot_product_attention(q, k, v, is_casual: causal);  // [B, H, L, d]
        return out_proj.forward(AttentionHeads.Merge(o)).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// CLIP Surgery's attention (the reference's <c>Attention</c> built from this block's weights):
    /// the original path <c>softmax(q kᵀ·s) v</c> and the v–v path <c>softmax(v vᵀ·s) v</c>, s = head_dim^-0.5,
    /// both through <c>out_proj</c>. Returns (new path, original path), each <c>[B, L, C]</c>.
    /// </summary>
    public (Tensor X, Tensor XOri) ForwardDual(Tensor x)
    {
        using var scope = torch.NewDisposeScope();
        var (q, k, v) = ProjectHeads(x);
        var ori = F.scaled_dot_product_attention(q, k, v);   // softmax(q kᵀ·s) v, [B, H, L, d]
        var vv = F.scaled_dot_product_attention(v, v, v);    // softmax(v vᵀ·s) v, [B, H, L, d]
        var xNew = out_proj.forward(AttentionHeads.Merge(vv));
        var xOri = out_proj.forward(AttentionHeads.Merge(ori));
        return (xNew.MoveToOuterDisposeScope(), xOri.MoveToOuterDisposeScope());
    }

    /// <summary>
    /// The dense methods' last-block attention (METHODS.md), from this block's weights: attention weights <c>A</c> by
    /// <paramref name="kind"/>, then <c>out_proj(A·v)</c>. Written out as softmax and matmul, as the methods' own code
    /// computes it (<c>bmm</c> on scaled scores), not through a fused kernel. <paramref name="omega"/>
    /// (<c>[L, L]</c>, NACLIP's neighbourhood term) is added to the scaled k–k scores, only for
    /// <see cref="DenseAttention.Neighbourhood"/>. <paramref name="x"/>: <c>[B, L, C]</c> → <c>[B, L, C]</c>.
    /// </summary>
    public Tensor ForwardDense(Tensor x, DenseAttention kind, Tensor? omega)
    {
        using var scope = torch.NewDisposeScope();
        var (q, k, v) = ProjectHeads(x);                                      // each [B, H, L, d]
        var scale = Math.Pow(q.shape[^1], -0.5);
        Tensor Softmax(Tensor a, Tensor b) => F.softmax(torch.matmul(a, b.transpose(-2, -1)) * scale, -1);   // [B, H, L, L]
        if (kind == DenseAttention.IdentityReduced)
            return out_proj.forward(AttentionHeads.Merge(v)).MoveToOuterDisposeScope();   // A = I: softmax of 0 on the diagonal, −∞ elsewhere is exactly 1 and 0, so A·v = v exactly
        var weights = kind switch
        {
            DenseAttention.Vanilla => Softmax(q, k),
            DenseAttention.Correlative => Softmax(q, q) + Softmax(k, k),
            DenseAttention.Neighbourhood => F.softmax(torch.matmul(k, k.transpose(-2, -1)) * scale
                + (omega ?? throw new ArgumentNullException(nameof(omega), "NACLIP needs its neighbourhood term")).to(k.dtype, k.device), -1),
            DenseAttention.KeyKeyReduced => Softmax(k, k),
            DenseAttention.QueryQueryReduced => Softmax(q, q),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
        };
        var o = torch.matmul(weights, v);                                     // [B, H, L, L] @ [B, H, L, d] -> [B, H, L, d]
        return out_proj.forward(AttentionHeads.Merge(o)).MoveToOuterDisposeScope();   // [B, L, C]
    }

    /// <summary>
    /// OpenAI's <c>convert_weights</c> for <c>nn.MultiheadAttention</c>: <c>in_proj_weight</c> and <c>in_proj_bias</c>
    /// to <paramref name="dtype"/> (<c>out_proj</c> is a Linear, converted as one).
    /// </summary>
    internal void ConvertWeights(ScalarType dtype)
    {
        in_proj_weight = MixedPrecision.Convert(in_proj_weight, dtype);
        ConditionallyRegisterParameter(nameof(in_proj_weight), in_proj_weight);
        in_proj_bias = MixedPrecision.Convert(in_proj_bias, dtype);
        ConditionallyRegisterParameter(nameof(in_proj_bias), in_proj_bias);
    }

    private (Tensor Q, Tensor K, Tensor V) ProjectHeads(Tensor x)
    {
        var (b, l, c) = (x.shape[0], x.shape[1], x.shape[2]);
        var qkv = F.linear(x, in_proj_weight, in_proj_bias)   // [B, L, 3C]
            .view(b, l, 3, heads, c / heads)                   // [B, L, 3, H, d]
            .permute(2, 0, 3, 1, 4);                           // [3, B, H, L, d]
        return (qkv[0], qkv[1], qkv[2]);
    }
}
