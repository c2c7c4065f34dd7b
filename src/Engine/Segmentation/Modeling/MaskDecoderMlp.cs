using TorchSharp;
using TorchSharp.Modules;
using Tensor = TorchSharp.torch.Tensor;

namespace ClipSurgeryWeb.Engine.Segmentation;

/// <summary>
/// The mask decoder's small MLP (SAM's <c>mask_decoder.MLP</c>, no sigmoid output): linear layers with ReLU between
/// them; used for the hypernetwork heads and the IoU head.
/// </summary>
internal sealed class MaskDecoderMlp : torch.nn.Module<Tensor, Tensor>
{
    private readonly ModuleList<Linear> layers;

    public MaskDecoderMlp(long inputDim, long hiddenDim, long outputDim, int numLayers) : base(nameof(MaskDecoderMlp))
    {
        layers = new ModuleList<Linear>();
        for (var i = 0; i < numLayers; i++)
            layers.Add(torch.nn.Linear(i == 0 ? inputDim : hiddenDim, i == numLayers - 1 ? outputDim : hiddenDim));
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = torch.NewDisposeScope();
        for (var i = 0; i < layers.Count; i++)
        {
            x = layers[i].call(x);
            if (i < layers.Count - 1)
                x = torch.nn.functional.relu(x);
        }
        return x.MoveToOuterDisposeScope();
    }
}
