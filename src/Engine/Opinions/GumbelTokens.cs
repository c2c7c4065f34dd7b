using TorchSharp;
using static TorchSharp.torch;

namespace ClipSurgeryWeb.Engine.Opinions;

/// <summary>
/// Discrete tokens from learned logits with a gradient: torch's <c>F.gumbel_softmax(logits, tau, hard=True)</c>.
/// <c>y = softmax((logits + g) / τ)</c>; forward value the one-hot of y's argmax, gradient y's (straight-through).
/// </summary>
public static class GumbelTokens
{
    /// <summary>Gumbel(0, 1) noise shaped like <paramref name="logits"/>, drawn as torch does: <c>−log(Exp(1))</c>.</summary>
    public static Tensor Noise(Tensor logits, Generator generator)
    {
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var exponential = torch.empty_like(logits).exponential_(1.0, generator);
        return exponential.log_().neg_().MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Straight-through hard sample <c>[B, k, V]</c>: <c>hard − y.detach() + y</c> with <c>y = softmax((logits + gumbel)/τ)</c>
    /// and <c>hard</c> the one-hot of y's first maximum (torch takes <c>y.max(dim)</c>, not the logits' argmax: at τ = 1000
    /// the softmax can round neighbouring logits to the same value).
    /// </summary>
    public static Tensor HardSample(Tensor logits, Tensor gumbel, double temperature = OpinionSettings.Temperature)
    {
        using var scope = torch.NewDisposeScope();
        var soft = ((logits + gumbel) / temperature).softmax(-1);                      // [B, k, V]
        var index = soft.max(-1, keepdim: true).indexes;                                // [B, k, 1]
        var hard = torch.zeros_like(soft).scatter_(-1, index, torch.ones_like(index, soft.dtype));
        return (hard - soft.detach() + soft).MoveToOuterDisposeScope();
    }
}
