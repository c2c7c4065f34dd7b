using ClipSurgeryWeb.Engine.Checkpoints;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ClipSurgeryWeb.Engine.Models;

/// <summary>A stack of <see cref="ResidualAttentionBlock"/>s (<c>resblocks.N</c>), causal for the text tower.</summary>
public sealed class Transformer : nn.Module<Tensor, Tensor>
{
    private readonly ModuleList<ResidualAttentionBlock> resblocks;

    public Transformer(int width, int layers, int heads, bool causal, Activation activation) : base(nameof(Transformer))
    {
        resblocks = new ModuleList<ResidualAttentionBlock>(
            Enumerable.Range(0, layers).Select(_ => new ResidualAttentionBlock(width, heads, causal, activation)).ToArray());
        RegisterComponents();
    }

    public IList<ResidualAttentionBlock> Blocks => resblocks;

    public override Tensor forward(Tensor x)
    {
        using var scope = torch.NewDisposeScope();
        foreach (var block in resblocks)
            x = block.forward(x);
        return x.MoveToOuterDisposeScope();
    }
}
