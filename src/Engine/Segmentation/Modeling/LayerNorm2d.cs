using TorchSharp;
using TorchSharp.Modules;
using Tensor = TorchSharp.torch.Tensor;

namespace ClipSurgeryWeb.Engine.Segmentation;

/// <summary>
/// Layer norm over the channel axis of a <c>[B, C, H, W]</c> map (SAM's <c>common.LayerNorm2d</c>, eps 1e-6),
/// written as the reference writes it (mean, biased variance, scale and shift) so the numbers agree.
/// </summary>
internal sealed class LayerNorm2d : torch.nn.Module<Tensor, Tensor>
{
    private readonly Parameter weight;
    private readonly Parameter bias;
    private readonly double _eps;

    public LayerNorm2d(long numChannels, double eps = 1e-6) : base(nameof(LayerNorm2d))
    {
        weight = new Parameter(torch.ones(numChannels));
        bias = new Parameter(torch.zeros(numChannels));
        _eps = eps;
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = torch.NewDisposeScope();
        var u = x.mean([1], keepdim: true);
        var s = (x - u).pow(2).mean([1], keepdim: true);
        var normalised = (x - u) / torch.sqrt(s + _eps);
        // [C] -> [C, 1, 1]
        var result = weight.view(-1, 1, 1) * normalised + bias.view(-1, 1, 1);
        return result.MoveToOuterDisposeScope();
    }
}
