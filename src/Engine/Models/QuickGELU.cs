using TorchSharp;
using static TorchSharp.torch;

namespace ClipSurgeryWeb.Engine.Models;

/// <summary>CLIP's GELU approximation: <c>x · σ(1.702 x)</c>.</summary>
public sealed class QuickGELU() : nn.Module<Tensor, Tensor>(nameof(QuickGELU))
{
    public override Tensor forward(Tensor x) => x * torch.sigmoid(1.702 * x);
}
