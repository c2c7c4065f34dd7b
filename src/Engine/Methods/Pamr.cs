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
    /// <summary>NACLIP's defaults: 10 iterations, dilations 8 and 16 (its golden's <c>pamr_steps</c> and <c>pamr_dilations</c>).</summary>
    public const int DefaultIterations = 10;

    /// <summary>NACLIP's default dilations, what <see cref="Refine"/> uses when given none.</summary>
    public static IReadOnlyList<int> DefaultDilations { get; } = [8, 16];

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

        var cells = Offsets(steps, Cells);
        var neighbours = Offsets(steps, Neighbours);
        var std = Shifted(x, cells).std(2, unbiased: true, keepdim: true);                                        // [B, K, 9·|d|, H, W] -> [B, K, 1, H, W]
        var difference = (x.unsqueeze(2) - Shifted(x, neighbours)).abs();                                          // [B, K, 8·|d|, H, W]
        var affinity = F.softmax((-difference / (0.1 * std + 1e-8)).mean([1], keepdim: true), 2);                  // [B, 1, 8·|d|, H, W]

        // Each step sums the 8·|d| shifted copies of the maps weighted by their affinity, one neighbour at a time into
        // one accumulator (never the [B, Q, 8·|d|, H, W] stack NACLIP's code builds: a 2048-pixel image with 150
        // queries would hold tens of GB). The same terms, summed in neighbour order.
        var mask = logits;                                                                                               // [B, Q, H, W]
        for (int i = 0; i < iterations; i++)
        {
            var (padded, pad) = Padded(mask, neighbours);                                                                 // [B, Q, H+2p, W+2p]
            var next = torch.zeros_like(mask);
            for (int n = 0; n < neighbours.Length; n++)
            {
                var (dy, dx) = neighbours[n];
                var shifted = padded[.., .., (pad + dy)..(int)(pad + dy + h), (pad + dx)..(int)(pad + dx + w)];        // [B, Q, H, W] view
                next.addcmul_(shifted, affinity[.., .., n], 1);                                                           // += m_n · a_n ([B, 1, H, W] over Q)
            }
            mask = next;
        }
        return mask.clone().MoveToOuterDisposeScope();   // [B, Q, H, W], a new tensor even with no iterations
    }

    /// <summary>The pixel offsets of <paramref name="cells"/> at every dilation, dilations in order (NACLIP's channel order).</summary>
    private static (int Dy, int Dx)[] Offsets(IReadOnlyList<int> dilations, (int Dy, int Dx)[] cells) =>
        dilations.SelectMany(d => cells.Select(c => (c.Dy * d, c.Dx * d))).ToArray();

    /// <summary>
    /// The values at <paramref name="offsets"/> from every pixel, borders replicated: <c>[B, C, H, W]</c> →
    /// <c>[B, C, offsets, H, W]</c>. Replicate padding is index clamping, so one padding by the largest offset serves
    /// every dilation with the same values as NACLIP's padding by each.
    /// </summary>
    private static Tensor Shifted(Tensor x, (int Dy, int Dx)[] offsets)
    {
        var (padded, pad) = Padded(x, offsets);
        long h = x.shape[2], w = x.shape[3];
        return torch.stack(offsets.Select(o =>
            padded[.., .., (pad + o.Dy)..(int)(pad + o.Dy + h), (pad + o.Dx)..(int)(pad + o.Dx + w)]).ToArray(), 2);   // offsets × [B, C, H, W] -> [B, C, offsets, H, W]
    }

    /// <summary><paramref name="x"/> <c>[B, C, H, W]</c> replicate-padded by the largest of <paramref name="offsets"/>: <c>[B, C, H+2p, W+2p]</c>, and p.</summary>
    private static (Tensor Padded, int Pad) Padded(Tensor x, (int Dy, int Dx)[] offsets)
    {
        long b = x.shape[0], c = x.shape[1], h = x.shape[2], w = x.shape[3];
        int pad = offsets.Max(o => Math.Max(Math.Abs(o.Dy), Math.Abs(o.Dx)));
        var padded = F.pad(x.reshape(b * c, 1, h, w), [pad, pad, pad, pad], PaddingModes.Replicate)   // [B, C, H, W] -> [B·C, 1, H+2p, W+2p]
            .reshape(b, c, h + 2 * pad, w + 2 * pad);                                                // [B, C, H+2p, W+2p]
        return (padded, pad);
    }
}
