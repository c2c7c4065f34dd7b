using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace ClipSurgeryWeb.Engine.Models;

/// <summary>
/// Position embeddings for other grid sizes, always interpolated from the checkpoint's own table and cached per
/// size. (The reference overwrites its model's table in place, so its 224 run after a 512 run differs; we do not
/// copy that.) Table layout: <c>[1 + side², C]</c>, class row first. Two rules: CLIP Surgery's (<see cref="ForSide"/>,
/// bilinear to a square side) and the dense methods' (<see cref="ForGrid"/>, bicubic by a scale factor, any h×w).
/// </summary>
public sealed class PositionalEmbeddingCache(Func<Tensor> checkpointTable) : IDisposable
{
    private readonly Dictionary<(int Height, int Width, bool Dense, DeviceType Device, int Index), Tensor> resized = [];
    private readonly Lock gate = new();

    /// <summary>The table for a <paramref name="side"/>×<paramref name="side"/> grid. Owned by the cache.</summary>
    public Tensor ForSide(int side)
    {
        var table = checkpointTable();
        if (SideOf(table) == side)
            return table;

        return Cached((side, side, false, table.device_type, table.device_index), () => Resize(table, side));
    }

    /// <summary>
    /// The dense methods' table for an <paramref name="height"/>×<paramref name="width"/> patch grid
    /// (<see cref="ResizeBicubic"/>), or the checkpoint's own table whenever the grid has as many cells as its own. The
    /// methods' ViT <c>forward</c> (NACLIP's and SCLIP's <c>clip/model.py</c>, ClearCLIP's <c>open_clip/transformer.py</c>)
    /// interpolates only <c>if x.shape[1] != positional_embedding.shape[0]</c>: a token count, not a shape, so a 7×28
    /// grid on a 14×14 model adds the 14×14 table read row by row. That quirk is kept. Owned by the cache.
    /// </summary>
    public Tensor ForGrid(int height, int width)
    {
        var table = checkpointTable();
        int side = SideOf(table);
        if (height * width == side * side)
            return table;
        return Cached((height, width, true, table.device_type, table.device_index), () => ResizeBicubic(table, height, width));
    }

    private Tensor Cached((int, int, bool, DeviceType, int) key, Func<Tensor> make)
    {
        lock (gate)
        {
            if (!resized.TryGetValue(key, out var cached))
            {
                // The cache owns it: no caller's dispose scope may take it.
                cached = make().DetachFromDisposeScope();
                resized[key] = cached;
            }
            return cached;
        }
    }

    public static int SideOf(Tensor table) => (int)Math.Sqrt(table.shape[0] - 1);

    /// <summary>Grid part reshaped to an image, bilinear (align_corners = false) to the new side; class row kept.</summary>
    public static Tensor Resize(Tensor table, int newSide)
    {
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        int side = SideOf(table);
        long c = table.shape[1];
        var grid = table[1..]
            .reshape(1, side, side, c)                                  // [S², C] -> [1, S, S, C]
            .permute(0, 3, 1, 2);                                       // [1, S, S, C] -> [1, C, S, S]
        grid = F.interpolate(grid, [newSide, newSide], mode: InterpolationMode.Bilinear, align_corners: false);
        grid = grid.reshape(1, c, newSide * newSide).transpose(1, 2)[0]; // [1, C, S', S'] -> [S'², C]
        return torch.cat([table[..1], grid], 0).detach().MoveToOuterDisposeScope();  // [1 + S'², C]
    }

    /// <summary>
    /// The dense methods' rule (NACLIP's and ClearCLIP's <c>interpolate_pos_encoding</c>): the grid part bicubic
    /// (align_corners false) with <c>scale_factor = ((h + 0.1)/√N, (w + 0.1)/√N)</c> and the scale factor kept for the
    /// coordinate mapping (<c>recompute_scale_factor=False</c>): source = (dst + ½)·√N/(h + 0.1) − ½, not
    /// (dst + ½)·√N/h − ½ as an output size would give. The output is floor(√N · scale) = h cells. Class row kept.
    /// <c>[1 + N, C]</c> → <c>[1 + h·w, C]</c>.
    /// </summary>
    public static Tensor ResizeBicubic(Tensor table, int height, int width)
    {
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        int side = SideOf(table);
        long c = table.shape[1];
        double root = Math.Sqrt(table.shape[0] - 1);
        var grid = table[1..]
            .reshape(1, side, side, c)                                  // [S², C] -> [1, S, S, C]
            .permute(0, 3, 1, 2);                                       // [1, S, S, C] -> [1, C, S, S]
        grid = F.interpolate(grid, scale_factor: [(height + 0.1) / root, (width + 0.1) / root], mode: InterpolationMode.Bicubic,
            align_corners: false, recompute_scale_factor: false);       // [1, C, h, w]
        if (grid.shape[2] != height || grid.shape[3] != width)
            throw new InvalidOperationException($"bicubic position embedding gave {grid.shape[2]}×{grid.shape[3]}, not {height}×{width}");
        grid = grid.permute(0, 2, 3, 1).reshape(height * width, c);    // [1, C, h, w] -> [1, h, w, C] -> [h·w, C]
        return torch.cat([table[..1], grid], 0).detach().MoveToOuterDisposeScope();  // [1 + h·w, C]
    }

    public void Dispose()
    {
        lock (gate)
        {
            foreach (var t in resized.Values)
                t.Dispose();
            resized.Clear();
        }
    }
}
