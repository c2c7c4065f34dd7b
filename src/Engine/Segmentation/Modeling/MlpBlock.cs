using TorchSharp;
using TorchSharp.Modules;
using Tensor = TorchSharp.torch.Tensor;

namespace ClipSurgeryWeb.Engine.Segmentation;

/// <summary>
/// Two linear layers with an activation between them (SAM's <c>common.MLPBlock</c>): GELU in the image encoder,
/// ReLU in the two-way transformer.
/// </summary>
internal sealed class MlpBlock : torch.nn.Module<Tensor, Tensor>
{
    private readonly Linear lin1;
    private readonly torch.nn.Module<Tensor, Tensor> act;
    private readonly Linear lin2;

    public MlpBlock(long embeddingDim, long mlpDim, torch.nn.Module<Tensor, Tensor> activation) : base(nameof(MlpBlock))
    {
        lin1 = torch.nn.Linear(embeddingDim, mlpDim);
        act = activation;
        lin2 = torch.nn.Linear(mlpDim, embeddingDim);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = torch.NewDisposeScope();
        return lin2.call(act.call(lin1.call(x))).MoveToOuterDisposeScope();
    }
}
