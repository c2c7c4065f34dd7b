using TorchSharp;
using TorchSharp.Modules;
using Tensor = TorchSharp.torch.Tensor;

namespace ClipSurgeryWeb.Engine.Segmentation;

/// <summary>Image to patch tokens: a strided convolution, channels moved last (SAM's <c>PatchEmbed</c>).</summary>
internal sealed class PatchEmbed : torch.nn.Module<Tensor, Tensor>
{
    private readonly Conv2d proj;

    public PatchEmbed(long patchSize, long inChans, long embedDim) : base(nameof(PatchEmbed))
    {
        proj = torch.nn.Conv2d(inChans, embedDim, kernel_size: patchSize, stride: patchSize);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = torch.NewDisposeScope();
        // [B, C, H, W] -> [B, H, W, C]
        return proj.call(x).permute(0, 2, 3, 1).MoveToOuterDisposeScope();
    }
}
