using ClipSurgeryWeb.Engine.Checkpoints;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace ClipSurgeryWeb.Engine.Models;

/// <summary>CLIP's pre-norm transformer block: <c>x + attn(ln_1(x))</c>, then <c>x + mlp(ln_2(x))</c>, on <c>[B, L, C]</c>.</summary>
public sealed class ResidualAttentionBlock : nn.Module<Tensor, Tensor>
{
    private readonly MultiheadAttention attn;
    private readonly LayerNorm ln_1;
    private readonly Sequential mlp;
    private readonly LayerNorm ln_2;

    // The mlp's layers again, for the inference form (a tuple, so they are not registered twice under other names).
    private readonly (Linear Fc, Linear Proj) layers;
    private readonly Activation activation;

    public ResidualAttentionBlock(int width, int heads, bool causal, Activation activation) : base(nameof(ResidualAttentionBlock))
    {
        attn = new MultiheadAttention(width, heads, causal);
        ln_1 = new LayerNorm(width);
        var c_fc = nn.Linear(width, width * 4);
        var c_proj = nn.Linear(width * 4, width);
        mlp = nn.Sequential(
            ("c_fc", c_fc),
            ("gelu", activation == Activation.Gelu ? nn.GELU() : (nn.Module<Tensor, Tensor>)new QuickGELU()),   // no parameters: the same names either way
            ("c_proj", c_proj));
        ln_2 = new LayerNorm(width);
        RegisterComponents();
        layers = (c_fc, c_proj);
        this.activation = activation;
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = torch.NewDisposeScope();
        x = Residual(attn.forward(ln_1.forward(x)), x);
        x = Residual(Mlp(ln_2.forward(x)), x);
        return x.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// CLIP Surgery's dual-path block. The first dual block gets <paramref name="xOri"/> = null and feeds
    /// <c>ln_1(x)</c> to attention; later ones feed <c>ln_1(x_ori)</c> to BOTH paths (the reference's behaviour).
    /// The original path keeps its FFN; the new path skips it.
    /// </summary>
    public (Tensor X, Tensor XOri) ForwardDual(Tensor x, Tensor? xOri)
    {
        using var scope = torch.NewDisposeScope();
        var (xRes, xOriRes) = attn.ForwardDual(ln_1.forward(xOri ?? x));
        var ori = Residual(xOriRes, xOri ?? x);
        ori = Residual(Mlp(ln_2.forward(ori)), ori);
        var xNew = Residual(xRes, x);   // no FFN on the new path
        return (xNew.MoveToOuterDisposeScope(), ori.MoveToOuterDisposeScope());
    }

    /// <summary>
    /// The dense methods' last block (METHODS.md). <see cref="DenseAttention.Vanilla"/> and
    /// <see cref="DenseAttention.Correlative"/> keep the block: <c>x + attn(ln_1(x))</c>, then <c>x + mlp(ln_2(x))</c>.
    /// NACLIP's reduced block (<see cref="DenseAttention.Neighbourhood"/>, <see cref="DenseAttention.KeyKeyReduced"/>)
    /// is the attention alone: <c>x = attn(ln_1(x))</c>, no residual, no MLP; so are ClearCLIP's and MaskCLIP's
    /// (<see cref="DenseAttention.QueryQueryReduced"/>, <see cref="DenseAttention.IdentityReduced"/>: their code's
    /// <c>ignore_residual</c> sums only the attention output). <c>[B, L, C]</c> → <c>[B, L, C]</c>.
    /// </summary>
    public Tensor ForwardDense(Tensor x, DenseAttention kind, Tensor? omega)
    {
        using var scope = torch.NewDisposeScope();
        var attended = attn.ForwardDense(ln_1.forward(x), kind, omega);
        if (IsReduced(kind))
            return attended.MoveToOuterDisposeScope();
        x = Residual(attended, x);
        x = Residual(Mlp(ln_2.forward(x)), x);
        return x.MoveToOuterDisposeScope();
    }

    /// <summary>Whether the dense method's last block is the attention alone (no residual, no MLP).</summary>
    public static bool IsReduced(DenseAttention kind) => kind is DenseAttention.Neighbourhood or DenseAttention.KeyKeyReduced
        or DenseAttention.QueryQueryReduced or DenseAttention.IdentityReduced;

    /// <summary>
    /// <c>x + branch</c>. Without autograd the sum goes into the branch's own fresh output (<c>branch.add_(x)</c>): the
    /// same additions, bit for bit, one [B, L, C] temporary fewer per residual.
    /// </summary>
    private static Tensor Residual(Tensor branch, Tensor x) =>
        torch.is_grad_enabled() ? x + branch : branch.add_(x);

    /// <summary>
    /// The mlp, <c>c_proj(act(c_fc(x)))</c> on <c>[B, L, C]</c>. Without autograd (explaining, the image views of
    /// gradient ascent) it runs as one <c>addmm</c> on the 2-D view and QuickGELU in place
    /// (<c>h · σ(1.702 h)</c> with one temporary instead of three): the same sums in another order of kernels, so
    /// outputs agree to float rounding (≤ 2e-6 measured on ViT-B/16), about 7 % of a CPU encode saved
    /// (`bench/Bench parts --sections encode`). With autograd (the text tower of gradient ascent) in-place ops would
    /// break the backward, so it is the plain <c>mlp.forward</c>.
    /// </summary>
    private Tensor Mlp(Tensor x)
    {
        if (torch.is_grad_enabled())
            return mlp.forward(x);
        var (b, l, c) = (x.shape[0], x.shape[1], x.shape[2]);
        var (fc, proj) = layers;
        var h = torch.addmm(fc.bias!, x.reshape(b * l, c), fc.weight!.t(), 1, 1);  // [B·L, C] @ [C, 4C] -> [B·L, 4C]
        h = activation == Activation.Gelu ? F.gelu(h) : h.mul_(torch.sigmoid_(h * 1.702));
        return proj.forward(h).view(b, l, c);                                       // [B·L, C] -> [B, L, C]
    }
}
