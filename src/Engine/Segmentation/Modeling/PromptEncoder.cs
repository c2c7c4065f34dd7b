using TorchSharp;
using TorchSharp.Modules;
using Tensor = TorchSharp.torch.Tensor;

namespace ClipSurgeryWeb.Engine.Segmentation;

/// <summary>
/// Encodes prompts for the mask decoder (SAM's <c>PromptEncoder</c>): points and box corners become sparse tokens
/// <c>[B, N, C]</c> (random-frequency position plus a learnt type embedding), a low-res mask or the learnt
/// "no mask" embedding becomes the dense map <c>[B, C, 64, 64]</c>.
/// </summary>
internal sealed class PromptEncoder : torch.nn.Module
{
    private readonly PositionEmbeddingRandom pe_layer;
    private readonly Embedding not_a_point_embed;
    private readonly ModuleList<Embedding> point_embeddings;
    private readonly Sequential mask_downscaling;
    private readonly Embedding no_mask_embed;
    private readonly long _embedDim;
    private readonly (long H, long W) _imageEmbeddingSize;
    private readonly (long H, long W) _inputImageSize;

    public PromptEncoder(long embedDim, long imageEmbeddingSize, long inputImageSize, long maskInChans) : base(nameof(PromptEncoder))
    {
        _embedDim = embedDim;
        _imageEmbeddingSize = (imageEmbeddingSize, imageEmbeddingSize);
        _inputImageSize = (inputImageSize, inputImageSize);
        pe_layer = new PositionEmbeddingRandom(embedDim / 2);
        not_a_point_embed = torch.nn.Embedding(1, embedDim);
        // Negative point, positive point, box top-left, box bottom-right.
        point_embeddings = new ModuleList<Embedding>();
        for (var i = 0; i < 4; i++)
            point_embeddings.Add(torch.nn.Embedding(1, embedDim));
        mask_downscaling = torch.nn.Sequential(
            torch.nn.Conv2d(1, maskInChans / 4, kernel_size: 2, stride: 2),
            new LayerNorm2d(maskInChans / 4),
            torch.nn.GELU(),
            torch.nn.Conv2d(maskInChans / 4, maskInChans, kernel_size: 2, stride: 2),
            new LayerNorm2d(maskInChans),
            torch.nn.GELU(),
            torch.nn.Conv2d(maskInChans, embedDim, kernel_size: 1));
        no_mask_embed = torch.nn.Embedding(1, embedDim);
        RegisterComponents();
    }

    /// <summary>Dense positional encoding of the image embedding grid: <c>[1, C, 64, 64]</c>.</summary>
    public Tensor GetDensePe()
    {
        using var scope = torch.NewDisposeScope();
        // [C, h, w] -> [1, C, h, w]
        return pe_layer.forward(_imageEmbeddingSize.H, _imageEmbeddingSize.W).unsqueeze(0).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Sparse and dense prompt embeddings. <paramref name="points"/> are <c>[B, N, 2]</c> pixel coordinates in the
    /// 1024 input frame with labels <c>[B, N]</c> (1 positive, 0 negative, -1 padding); <paramref name="boxes"/> are
    /// <c>[B, 4]</c> XYXY; <paramref name="masks"/> are <c>[B, 1, 256, 256]</c> low-res logits.
    /// </summary>
    public (Tensor Sparse, Tensor Dense) forward((Tensor Coords, Tensor Labels)? points, Tensor? boxes, Tensor? masks)
    {
        using var scope = torch.NewDisposeScope();
        var bs = points?.Coords.shape[0] ?? boxes?.shape[0] ?? masks?.shape[0] ?? 1;
        var device = not_a_point_embed.weight!.device;
        var sparse = torch.empty(bs, 0, _embedDim, device: device);
        if (points is { } p)
            sparse = torch.cat([sparse, EmbedPoints(p.Coords, p.Labels, pad: boxes is null)], 1);
        if (boxes is not null)
            sparse = torch.cat([sparse, EmbedBoxes(boxes)], 1);

        var dense = masks is not null
            ? mask_downscaling.call(masks)
            // [1, C] -> [1, C, 1, 1] -> [B, C, 64, 64]
            : no_mask_embed.weight!.reshape(1, -1, 1, 1).expand(bs, -1, _imageEmbeddingSize.H, _imageEmbeddingSize.W);
        return (sparse.MoveToOuterDisposeScope(), dense.MoveToOuterDisposeScope());
    }

    private Tensor EmbedPoints(Tensor points, Tensor labels, bool pad)
    {
        using var scope = torch.NewDisposeScope();
        points = points + 0.5; // Shift to the centre of the pixel.
        labels = labels.to(torch.float32);
        if (pad)
        {
            // A "not a point" token when no box follows, as the reference does.
            var paddingPoint = torch.zeros(points.shape[0], 1, 2, device: points.device);
            var paddingLabel = -torch.ones(labels.shape[0], 1, device: labels.device);
            points = torch.cat([points, paddingPoint], 1);
            labels = torch.cat([labels, paddingLabel], 1);
        }

        var embedding = pe_layer.ForwardWithCoords(points, _inputImageSize);
        // [B, N] -> [B, N, 1] so the masks select whole tokens.
        var notAPoint = (labels == -1).unsqueeze(-1);
        var negative = (labels == 0).unsqueeze(-1);
        var positive = (labels == 1).unsqueeze(-1);
        embedding = torch.where(notAPoint, torch.zeros_like(embedding), embedding);
        embedding = torch.where(notAPoint, embedding + not_a_point_embed.weight!, embedding);
        embedding = torch.where(negative, embedding + point_embeddings[0].weight!, embedding);
        embedding = torch.where(positive, embedding + point_embeddings[1].weight!, embedding);
        return embedding.MoveToOuterDisposeScope();
    }

    private Tensor EmbedBoxes(Tensor boxes)
    {
        using var scope = torch.NewDisposeScope();
        boxes = boxes + 0.5; // Shift to the centre of the pixel.
        // [B, 4] -> [B, 2, 2]: two corners (x, y)
        var coords = boxes.reshape(-1, 2, 2);
        var corners = pe_layer.ForwardWithCoords(coords, _inputImageSize);
        // Corner type embeddings [1, C] each -> [2, C], broadcast over the batch.
        var cornerTypes = torch.cat([point_embeddings[2].weight!, point_embeddings[3].weight!], 0);
        return (corners + cornerTypes).MoveToOuterDisposeScope();
    }
}
