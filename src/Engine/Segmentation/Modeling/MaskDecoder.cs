using TorchSharp;
using TorchSharp.Modules;
using Tensor = TorchSharp.torch.Tensor;

namespace ClipSurgeryWeb.Engine.Segmentation;

/// <summary>
/// SAM's <c>MaskDecoder</c>: an IoU token and 1 + 3 mask tokens go with the prompt tokens through the two-way
/// transformer; the image side is upscaled ×4 and each mask token's hypernetwork MLP gives the weights of its
/// mask; the IoU head scores the masks. Multimask output keeps masks 1..3, single output keeps mask 0.
/// </summary>
internal sealed class MaskDecoder : torch.nn.Module
{
    private readonly Embedding iou_token;
    private readonly Embedding mask_tokens;
    private readonly TwoWayTransformer transformer;
    private readonly Sequential output_upscaling;
    private readonly ModuleList<MaskDecoderMlp> output_hypernetworks_mlps;
    private readonly MaskDecoderMlp iou_prediction_head;
    private readonly int _numMaskTokens;

    public MaskDecoder(SamConfig config) : base(nameof(MaskDecoder))
    {
        var dim = config.PromptEmbedDim;
        _numMaskTokens = config.NumMultimaskOutputs + 1;
        iou_token = torch.nn.Embedding(1, dim);
        mask_tokens = torch.nn.Embedding(_numMaskTokens, dim);
        transformer = new TwoWayTransformer(config.DecoderDepth, dim, config.DecoderNumHeads, config.DecoderMlpDim, config.AttentionDownsampleRate);
        output_upscaling = torch.nn.Sequential(
            torch.nn.ConvTranspose2d(dim, dim / 4, kernel_size: 2, stride: 2),
            new LayerNorm2d(dim / 4),
            torch.nn.GELU(),
            torch.nn.ConvTranspose2d(dim / 4, dim / 8, kernel_size: 2, stride: 2),
            torch.nn.GELU());
        output_hypernetworks_mlps = new ModuleList<MaskDecoderMlp>();
        for (var i = 0; i < _numMaskTokens; i++)
            output_hypernetworks_mlps.Add(new MaskDecoderMlp(dim, dim, dim / 8, 3));
        iou_prediction_head = new MaskDecoderMlp(dim, config.IouHeadHiddenDim, _numMaskTokens, config.IouHeadDepth);
        RegisterComponents();
    }

    /// <summary>
    /// Low-res mask logits <c>[B, M, 256, 256]</c> and predicted IoUs <c>[B, M]</c>, M = 3 with
    /// <paramref name="multimaskOutput"/>, else 1.
    /// </summary>
    public (Tensor Masks, Tensor IouPredictions) forward(Tensor imageEmbeddings, Tensor imagePe, Tensor sparsePromptEmbeddings, Tensor densePromptEmbeddings, bool multimaskOutput)
    {
        using var scope = torch.NewDisposeScope();
        var (masks, iouPred) = PredictMasks(imageEmbeddings, imagePe, sparsePromptEmbeddings, densePromptEmbeddings);
        var selected = multimaskOutput ? 1.. : 0..1;
        masks = masks[.., selected, .., ..];
        iouPred = iouPred[.., selected];
        return (masks.MoveToOuterDisposeScope(), iouPred.MoveToOuterDisposeScope());
    }

    private (Tensor Masks, Tensor IouPredictions) PredictMasks(Tensor imageEmbeddings, Tensor imagePe, Tensor sparse, Tensor dense)
    {
        using var scope = torch.NewDisposeScope();
        // [1, C] + [M, C] -> [1+M, C]
        var outputTokens = torch.cat([iou_token.weight!, mask_tokens.weight!], 0);
        // [1+M, C] -> [1, 1+M, C] -> [B, 1+M, C]
        outputTokens = outputTokens.unsqueeze(0).expand(sparse.shape[0], -1, -1);
        var tokens = torch.cat([outputTokens, sparse], 1);

        // One copy of the image per prompt batch entry.
        var src = imageEmbeddings.repeat_interleave(tokens.shape[0], dim: 0) + dense;
        var posSrc = imagePe.repeat_interleave(tokens.shape[0], dim: 0);
        var (b, c, h, w) = (src.shape[0], src.shape[1], src.shape[2], src.shape[3]);

        var (hs, keys) = transformer.call(src, posSrc, tokens);
        var iouTokenOut = hs[.., 0, ..];
        var maskTokensOut = hs[.., 1..(1 + _numMaskTokens), ..];

        // [B, h*w, C] -> [B, C, h*w] -> [B, C, h, w]
        var image = keys.transpose(1, 2).view(b, c, h, w);
        var upscaled = output_upscaling.call(image);

        var hyperIn = torch.stack(
            Enumerable.Range(0, _numMaskTokens).Select(i => output_hypernetworks_mlps[i].call(maskTokensOut[.., i, ..])), 1);
        var (ub, uc, uh, uw) = (upscaled.shape[0], upscaled.shape[1], upscaled.shape[2], upscaled.shape[3]);
        // [B, M, c] @ [B, c, H*W] -> [B, M, H*W] -> [B, M, H, W]
        var masks = torch.matmul(hyperIn, upscaled.view(ub, uc, uh * uw)).view(ub, -1, uh, uw);

        var iouPred = iou_prediction_head.call(iouTokenOut);
        return (masks.MoveToOuterDisposeScope(), iouPred.MoveToOuterDisposeScope());
    }
}
