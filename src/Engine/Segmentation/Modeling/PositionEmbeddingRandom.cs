using TorchSharp;
using Tensor = TorchSharp.torch.Tensor;

namespace ClipSurgeryWeb.Engine.Segmentation;

/// <summary>
/// Positional encoding with random spatial frequencies (SAM's <c>PositionEmbeddingRandom</c>). The frequency matrix
/// is a persistent buffer of the checkpoint, <c>[2, C/2]</c>.
/// </summary>
internal sealed class PositionEmbeddingRandom : torch.nn.Module
{
    private readonly Tensor positional_encoding_gaussian_matrix;

    public PositionEmbeddingRandom(long numPosFeats) : base(nameof(PositionEmbeddingRandom))
    {
        positional_encoding_gaussian_matrix = torch.zeros(2, numPosFeats);
        RegisterComponents();
    }

    /// <summary>Encodes points normalised to [0, 1]²: <c>[..., 2]</c> → <c>[..., C]</c> (sin then cos).</summary>
    private Tensor PeEncoding(Tensor coords)
    {
        using var scope = torch.NewDisposeScope();
        var c = 2 * coords - 1;
        c = torch.matmul(c, positional_encoding_gaussian_matrix);
        c = c * (2 * Math.PI);
        return torch.cat([torch.sin(c), torch.cos(c)], -1).MoveToOuterDisposeScope();
    }

    /// <summary>Dense encoding of an h×w grid of cell centres: <c>[C, h, w]</c>.</summary>
    public Tensor forward(long h, long w)
    {
        using var scope = torch.NewDisposeScope();
        var grid = torch.ones(h, w, dtype: torch.float32, device: positional_encoding_gaussian_matrix.device);
        var yEmbed = (grid.cumsum(0) - 0.5) / h;
        var xEmbed = (grid.cumsum(1) - 0.5) / w;
        var pe = PeEncoding(torch.stack([xEmbed, yEmbed], -1));
        // [h, w, C] -> [C, h, w]
        return pe.permute(2, 0, 1).MoveToOuterDisposeScope();
    }

    /// <summary>Encodes pixel coordinates <c>[B, N, 2]</c> (x, y) of an image of <paramref name="imageSize"/> (H, W): <c>[B, N, C]</c>.</summary>
    public Tensor ForwardWithCoords(Tensor coordsInput, (long H, long W) imageSize)
    {
        using var scope = torch.NewDisposeScope();
        var x = coordsInput[.., .., 0] / imageSize.W;
        var y = coordsInput[.., .., 1] / imageSize.H;
        var coords = torch.stack([x, y], -1).to(torch.float32);
        return PeEncoding(coords).MoveToOuterDisposeScope();
    }
}
