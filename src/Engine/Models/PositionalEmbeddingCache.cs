using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace ClipSurgeryWeb.Engine.Models;

/// <summary>
/// Position embeddings for other grid sizes, always interpolated from the checkpoint's own table and cached per
/// side. (The reference overwrites its model's table in place, so its 224 run after a 512 run differs; we do not
/// copy that.) Table layout: <c>[1 + side², C]</c>, class row first.
/// </summary>
public sealed class PositionalEmbeddingCache(Func<Tensor> checkpointTable) : IDisposable
{
    private readonly Dictionary<(int Side, DeviceType Device, int Index), Tensor> resized = [];
    private readonly Lock gate = new();

    /// <summary>The table for a <paramref name="side"/>×<paramref name="side"/> grid. Owned by the cache.</summary>
    public Tensor ForSide(int side)
    {
        var table = checkpointTable();
        if (SideOf(table) == side)
            return table;

        lock (gate)
        {
            var key = (side, table.device_type, table.device_index);
            if (!resized.TryGetValue(key, out var cached))
            {
                // The cache owns it: no caller's dispose scope may take it.
                cached = Resize(table, side).DetachFromDisposeScope();
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
