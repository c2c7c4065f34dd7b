using ClipSurgeryWeb.Engine.Checkpoints;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ClipSurgeryWeb.Engine.Models;

/// <summary>CLIP's pre-norm transformer block: <c>x + attn(ln_1(x))</c>, then <c>x + mlp(ln_2(x))</c>, on <c>[B, L, C]</c>.</summary>
public sealed class ResidualAttentionBlock : nn.Module<Tensor, Tensor>
{
    private readonly MultiheadAttention attn;
    private readonly LayerNorm ln_1;
    private readonly Sequential mlp;
    private readonly LayerNorm ln_2;

    public ResidualAttentionBlock(int width, int heads, bool causal, Activation activation) : base(nameof(ResidualAttentionBlock))
    {
        attn = new MultiheadAttention(width, heads, causal);
        ln_1 = new LayerNorm(width);
        mlp = nn.Sequential(
            ("c_fc", nn.Linear(width, width * 4)),
            ("gelu", activation == Activation.Gelu ? nn.GELU() : (nn.Module<Tensor, Tensor>)new QuickGELU()),   // no parameters: the same names either way
            ("c_proj", nn.Linear(width * 4, width)));
        ln_2 = new LayerNorm(width);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = torch.NewDisposeScope();
        x = x + attn.forward(ln_1.forward(x));
        x = x + mlp.forward(ln_2.forward(x));
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
        var ori = (xOri ?? x) + xOriRes;
        ori = ori + mlp.forward(ln_2.forward(ori));
        var xNew = x + xRes;   // no FFN on the new path
        return (xNew.MoveToOuterDisposeScope(), ori.MoveToOuterDisposeScope());
    }
}
