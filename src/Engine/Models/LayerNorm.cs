using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace ClipSurgeryWeb.Engine.Models;

/// <summary>
/// OpenAI CLIP's <c>LayerNorm</c> subclass: normalises in fp32 whatever the input's type and returns the input's
/// type, so a half-precision model keeps its statistics in fp32 (its weights stay fp32 in <c>convert_weights</c>).
/// On fp32 input it is exactly <c>nn.LayerNorm</c> (one <c>layer_norm</c>, no cast). Fields carry the state-dict
/// names <c>weight</c> and <c>bias</c>.
/// </summary>
public sealed class LayerNorm : nn.Module<Tensor, Tensor>
{
    /// <summary>PyTorch's default, which CLIP uses.</summary>
    public const double Epsilon = 1e-5;

    private readonly Parameter weight;
    private readonly Parameter bias;

    private readonly long[] normalizedShape;

    public LayerNorm(long width) : base(nameof(LayerNorm))
    {
        weight = new Parameter(torch.ones(width));
        bias = new Parameter(torch.zeros(width));
        RegisterComponents();
        normalizedShape = [width];
    }

    public override Tensor forward(Tensor x)
    {
        if (x.dtype == ScalarType.Float32)
            return F.layer_norm(x, normalizedShape, weight, bias, Epsilon);
        using var scope = torch.NewDisposeScope();
        return F.layer_norm(x.to(ScalarType.Float32), normalizedShape, weight, bias, Epsilon).to(x.dtype).MoveToOuterDisposeScope();
    }
}
