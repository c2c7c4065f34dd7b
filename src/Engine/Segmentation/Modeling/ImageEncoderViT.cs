using TorchSharp;
using TorchSharp.Modules;
using Tensor = TorchSharp.torch.Tensor;

namespace ClipSurgeryWeb.Engine.Segmentation;

/// <summary>
/// SAM's ViT image encoder (<c>ImageEncoderViT</c>, after ViTDet): patch embedding plus absolute positions, windowed
/// and global blocks with relative positions, and a convolutional neck to the prompt width:
/// <c>[B, 3, 1024, 1024]</c> → <c>[B, 256, 64, 64]</c>.
/// </summary>
internal sealed class ImageEncoderViT : torch.nn.Module<Tensor, Tensor>
{
    private readonly PatchEmbed patch_embed;
    private readonly Parameter pos_embed;
    private readonly ModuleList<ImageEncoderBlock> blocks;
    private readonly Sequential neck;

    public ImageEncoderViT(SamConfig config) : base(nameof(ImageEncoderViT))
    {
        var grid = config.ImageEmbeddingSize;
        var dim = config.EncoderEmbedDim;
        patch_embed = new PatchEmbed(config.PatchSize, 3, dim);
        pos_embed = new Parameter(torch.zeros(1, grid, grid, dim));
        blocks = new ModuleList<ImageEncoderBlock>();
        for (var i = 0; i < config.EncoderDepth; i++)
        {
            var window = config.EncoderGlobalAttnIndexes.Contains(i) ? 0 : config.WindowSize;
            blocks.Add(new ImageEncoderBlock(dim, config.EncoderNumHeads, config.EncoderMlpDim, window, grid));
        }
        var outChans = config.PromptEmbedDim;
        neck = torch.nn.Sequential(
            torch.nn.Conv2d(dim, outChans, kernel_size: 1, bias: false),
            new LayerNorm2d(outChans),
            torch.nn.Conv2d(outChans, outChans, kernel_size: 3, padding: 1, bias: false),
            new LayerNorm2d(outChans));
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = torch.NewDisposeScope();
        x = patch_embed.call(x) + pos_embed;
        foreach (var block in blocks)
            x = block.call(x);
        // [B, H, W, C] -> [B, C, H, W]
        return neck.call(x.permute(0, 3, 1, 2)).MoveToOuterDisposeScope();
    }
}
