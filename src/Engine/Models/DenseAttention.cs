namespace ClipSurgeryWeb.Engine.Models;

/// <summary>
/// How the training-free dense methods (METHODS.md) rebuild the last vision block's attention weights <c>A</c>; every
/// other block runs as in OpenAI CLIP. <c>s = head_dim^-0.5</c>; the output is always <c>out_proj(A·v)</c>. The
/// "reduced" kinds drop the block's residual and MLP (<c>x = out_proj(A·v)</c>); see <see cref="ResidualAttentionBlock.ForwardDense"/>.
/// </summary>
public enum DenseAttention
{
    /// <summary>Plain CLIP with every token kept (<c>clip_dense</c>): <c>softmax(s·q·kᵀ)</c>, residual and MLP kept.</summary>
    Vanilla,

    /// <summary>SCLIP's correlative self-attention: <c>softmax(s·q·qᵀ) + softmax(s·k·kᵀ)</c>, residual and MLP kept.</summary>
    Correlative,

    /// <summary>NACLIP: <c>softmax(s·k·kᵀ + Ω)</c> with the Gaussian neighbourhood Ω, reduced block (no residual, no MLP).</summary>
    Neighbourhood,

    /// <summary>NACLIP's ablation without Ω (<c>kk_reduced</c>): <c>softmax(s·k·kᵀ)</c>, reduced block.</summary>
    KeyKeyReduced,

    /// <summary>ClearCLIP: <c>softmax(s·q·qᵀ)</c>, reduced block (its code's <c>ignore_residual</c>, no MLP).</summary>
    QueryQueryReduced,

    /// <summary>
    /// MaskCLIP as ClearCLIP's code runs it: a mask of −∞ off the diagonal makes <c>A</c> the identity (each token attends
    /// only to itself), so <c>x = out_proj(v)</c>; reduced block.
    /// </summary>
    IdentityReduced,
}
