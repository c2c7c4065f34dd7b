using TorchSharp;
using static TorchSharp.torch;

namespace ClipSurgeryWeb.Engine.Models;

/// <summary>
/// CLIP's image tower as the explainability code uses it: every forward returns ALL tokens, <c>[B, 1+N, D]</c>,
/// class (or mean) token first.
/// </summary>
public abstract class VisualEncoder(string name) : nn.Module<Tensor, Tensor>(name)
{
    /// <summary>The resolution the checkpoint was trained at.</summary>
    public abstract int InputResolution { get; }

    /// <summary>The type the tower's matrix work runs in (fp32, or fp16/bf16 after <see cref="ClipModel.ToPrecision"/>); its outputs are fp32.</summary>
    public abstract ScalarType ComputeType { get; }

    /// <summary>Plain CLIP: all tokens through the original architecture.</summary>
    public abstract Tensor EncodePlain(Tensor image);

    /// <summary>CLIP Surgery's architecture (dual paths / v–v attention) over the same weights.</summary>
    public abstract Tensor EncodeSurgery(Tensor image);

    /// <summary>OpenAI CLIP's pooled image feature (class token for ViT, attention pool's mean query for ResNet), <c>[B, D]</c>.</summary>
    public virtual Tensor EncodePooled(Tensor image)
    {
        using var scope = torch.NewDisposeScope();
        return EncodePlain(image)[.., 0].MoveToOuterDisposeScope();
    }

    public override Tensor forward(Tensor image) => EncodePlain(image);
}
