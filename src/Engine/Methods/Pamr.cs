using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace ClipSurgeryWeb.Engine.Methods;

/// <summary>
/// Pixel-adaptive mask refinement (PAMR, Araslanov &amp; Roth 2020), as NACLIP applies it to its slide logits: an
/// affinity from the image's local colour differences, then the logits averaged over their dilated 8-neighbourhoods
/// with that affinity, <c>iterations</c> times. Written as shifts of a replicate-padded tensor rather than NACLIP's
/// convolutions with one-hot kernels: such a kernel only picks one neighbour (times 1, plus zeros), so the values are
/// the same.
/// </summary>
public static class Pamr
{
    /// <summary>NACLIP's defaults: 10 iterations, dilations 8 and 16.</summary>
    public const int DefaultIterations = 10;

    private static readonly int[] DefaultDilations = [8, 16];

    /// <summary>The 3×3 kernel's cells in NACLIP's order, without the centre: (row, column) offsets in dilations.</summary>
    private static readonly (int Dy, int Dx)[] Neighbours = [(-1, -1), (-1, 0), (-1, 1), (0, -1), (0, 1), (1, -1), (1, 0), (1, 1)];

    /// <summary>The 3×3 kernel's cells with the centre, for the local standard deviation.</summary>
    private static readonly (int Dy, int Dx)[] Cells = [(-1, -1), (-1, 0), (-1, 1), (0, -1), (0, 0), (0, 1), (1, -1), (1, 0), (1, 1)];

    /// <summary>
    /// <paramref name="image"/> <c>[1, 3, h, w]</c> (the normalised network input), <paramref name="logits"/>
    /// <c>[1, Q, H, W]</c> → refined logits <c>[1, Q, H, W]</c>. The image is first resized to the logits' size
    /// (bilinear, align_corners false; NACLIP's <c>predict</c>), a no-op when they match. Per pixel and dilation
    /// <c>d</c>: <c>a = −|x − x_n| / (1e-8 + 0.1·σ)</c> for its 8 neighbours <c>x_n</c> at distance <c>d</c> (σ the
    /// unbiased standard deviation over the 9 cells of every dilation, per channel), averaged over channels, softmax over
    /// all neighbours; then <paramref name="iterations"/> times <c>m ← Σ_n a_n · m_n</c>. Borders replicate.
    /// </summary>
    public static Tensor Refine(Tensor image, Tensor logits, int iterations = DefaultIterations, IReadOnlyList<int>? dilations = null)
    {
        if (image.dim() != 4 || logits.dim() != 4 || image.shape[0] != logits.shape[0])
            throw new EngineInputException("pamr", $"PAMR takes an image [B, 3, h, w] and logits [B, Q, H, W] (got [{string.Join(", ", image.shape)}] and [{string.Join(", ", logits.shape)}])");
        if (iterations < 0)
            throw new EngineInputException("pamr", $"iterations must be 0 or more (got {iterations})");
        var steps = dilations ?? DefaultDilations;
        if (steps.Count == 0 || steps.Any(d => d < 1))
            throw new EngineInputException("pamr", $"dilations must be one or more positive sizes (got [{string.Join(", ", steps)}])");
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        long h = logits.shape[2], w = logits.shape[3];
        var x = image.to(logits.dtype, logits.device);
        if (x.shape[2] != h || x.shape[3] != w)
            x = F.interpolate(x, [h, w], mode: InterpolationMode.Bilinear, align_corners: false);   // [B, K, H, W]

        var std = torch.cat(steps.Select(d => Shifted(x, d, Cells)).ToArray(), 2).std(2, unbiased: true, keepdim: true);   // [B, K, 9·|d|, H, W] -> [B, K, 1, H, W]
        var centre = x.unsqueeze(2);                                                                                      // [B, K, 1, H, W]
        var difference = torch.cat(steps.Select(d => (centre - Shifted(x, d, Neighbours)).abs()).ToArray(), 2);          // [B, K, 8·|d|, H, W]
        var affinity = F.softmax((-difference / (0.1 * std + 1e-8)).mean([1], keepdim: true), 2);                         // [B, 1, 8·|d|, H, W]

        var mask = logits;
        for (int i = 0; i < iterations; i++)
        {
            var neighbours = torch.cat(steps.Select(d => Shifted(mask, d, Neighbours)).ToArray(), 2);                     // [B, Q, 8·|d|, H, W]
            mask = (neighbours * affinity).sum(2);                                                                        // [B, Q, H, W]
        }
        return mask.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The values at <paramref name="cells"/> (offsets times <paramref name="dilation"/>) of every pixel, borders
    /// replicated: <c>[B, C, H, W]</c> → <c>[B, C, cells, H, W]</c>.
    /// </summary>
    private static Tensor Shifted(Tensor x, int dilation, (int Dy, int Dx)[] cells)
    {
        long b = x.shape[0], c = x.shape[1], h = x.shape[2], w = x.shape[3];
        var padded = F.pad(x.reshape(b * c, 1, h, w), [dilation, dilation, dilation, dilation], PaddingModes.Replicate)   // [B, C, H, W] -> [B·C, 1, H+2d, W+2d]
            .reshape(b, c, h + 2 * dilation, w + 2 * dilation);                                                          // [B, C, H+2d, W+2d]
        return torch.stack(cells.Select(p =>
        {
            long top = dilation + p.Dy * dilation, left = dilation + p.Dx * dilation;
            return padded[.., .., (int)top..(int)(top + h), (int)left..(int)(left + w)];                                  // [B, C, H, W]
        }).ToArray(), 2);                                                                                                  // [B, C, cells, H, W]
    }
}
