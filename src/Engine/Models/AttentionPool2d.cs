using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace ClipSurgeryWeb.Engine.Models;

/// <summary>
/// ModifiedResNet's attention pool over the flattened grid with the mean token prepended. The explainability code
/// queries with EVERY token (plain) or replaces it by v–v attention (Surgery); both return <c>[B, 1+N, D]</c>.
/// Position embeddings are interpolated from the checkpoint's for other grid sizes, in both modes.
/// </summary>
public sealed class AttentionPool2d : nn.Module<Tensor, Tensor>
{
    private readonly Parameter positional_embedding;
    private readonly Linear k_proj;
    private readonly Linear q_proj;
    private readonly Linear v_proj;
    private readonly Linear c_proj;

    private readonly int heads;
    private readonly PositionalEmbeddingCache positions;

    public AttentionPool2d(int spacialDim, int embedDim, int heads, int outputDim) : base(nameof(AttentionPool2d))
    {
        positional_embedding = new Parameter(torch.zeros(spacialDim * spacialDim + 1, embedDim));
        k_proj = nn.Linear(embedDim, embedDim);
        q_proj = nn.Linear(embedDim, embedDim);
        v_proj = nn.Linear(embedDim, embedDim);
        c_proj = nn.Linear(embedDim, outputDim);
        RegisterComponents();

        this.heads = heads;
        positions = new PositionalEmbeddingCache(() => positional_embedding);
    }

    /// <summary>Plain CLIP: multi-head attention with q/k/v projections, every token a query.</summary>
    public override Tensor forward(Tensor x)
    {
        using var scope = torch.NewDisposeScope();
        x = Tokens(x);
        var o = F.scaled_dot_product_attention(Heads(q_proj.forward(x)), Heads(k_proj.forward(x)), Heads(v_proj.forward(x)));
        return c_proj.forward(AttentionHeads.Merge(o)).MoveToOuterDisposeScope();    // [B, 1+N, D]
    }

    /// <summary>
    /// CLIP Surgery: the reference builds its dual attention with qkv = v_proj three times, so q = k = v and its
    /// original and new paths coincide: <c>c_proj(softmax(v vᵀ·s) v)</c> for every token, class token included.
    /// (Its L2-norm ×8 "resnet" branch is never enabled, so it is not here.)
    /// </summary>
    public Tensor ForwardSurgery(Tensor x)
    {
        using var scope = torch.NewDisposeScope();
        x = Tokens(x);
        var v = Heads(v_proj.forward(x));
        var o = F.scaled_dot_product_attention(v, v, v);
        return c_proj.forward(AttentionHeads.Merge(o)).MoveToOuterDisposeScope();    // [B, 1+N, D]
    }

    /// <summary><c>[B, C, H, W]</c> -> mean token + grid tokens + position embedding, <c>[B, 1+HW, C]</c>.</summary>
    private Tensor Tokens(Tensor x)
    {
        if (x.shape[2] != x.shape[3])
            throw new EngineInputException("resolution", $"the ResNet grid must be square, got {x.shape[2]}×{x.shape[3]}");
        int side = (int)x.shape[2];
        x = x.reshape(x.shape[0], x.shape[1], -1).permute(0, 2, 1);   // [B, C, H, W] -> [B, HW, C]
        x = torch.cat([x.mean([1], keepdim: true), x], 1);             // [B, 1+HW, C]
        return x + MixedPrecision.As(positions.ForSide(side), x.dtype);   // fp32 table, cast as OpenAI's .to(x.dtype)
    }

    private Tensor Heads(Tensor x) => AttentionHeads.Split(x, heads);

    protected override void Dispose(bool disposing)
    {
        if (disposing)
            positions.Dispose();
        base.Dispose(disposing);
    }
}
