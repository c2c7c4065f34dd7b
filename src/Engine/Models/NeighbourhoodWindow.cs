using TorchSharp;
using static TorchSharp.torch;

namespace ClipSurgeryWeb.Engine.Models;

/// <summary>
/// NACLIP's Gaussian neighbourhood term Ω for an <c>h×w</c> patch grid, as its code builds it: a <c>(2h−1)×(2w−1)</c>
/// window whose coordinates are <c>linspace</c> values scaled by <c>1/(σ√2)</c>, <c>exp(−(y² + x²))</c>, then a 'same'
/// convolution of each one-hot grid cell with it. Convolving a one-hot cell only picks window values (times one, plus
/// zeros), so Ω<sub>ij</sub> is the window at offset <c>p_j − p_i</c> from its centre, read directly here; the window is
/// symmetric, so the sign of the offset does not matter. Class-token row and column are 0.
/// </summary>
public static class NeighbourhoodWindow
{
    /// <summary>NACLIP's default σ (<c>gaussian_std = 5</c>).</summary>
    public const double DefaultStd = 5.0;

    /// <summary>Ω as <c>[1 + h·w, 1 + h·w]</c> fp32 on the CPU; the caller owns it.</summary>
    public static Tensor Omega(int h, int w, double std = DefaultStd)
    {
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        var window = Window(2 * h - 1, 2 * w - 1, std);                         // [2h−1, 2w−1]
        var ys = torch.arange(h, dtype: ScalarType.Int64).repeat_interleave(w); // [h·w] grid row of each patch
        var xs = torch.arange(w, dtype: ScalarType.Int64).repeat(h);      // [h·w] grid column of each patch
        var dy = ys.unsqueeze(0) - ys.unsqueeze(1) + (h - 1);                   // [h·w, h·w] row offset into the window
        var dx = xs.unsqueeze(0) - xs.unsqueeze(1) + (w - 1);                   // [h·w, h·w] column offset
        var patches = window.take(dy * (2 * w - 1) + dx);                       // flat index into [2h−1, 2w−1] -> [h·w, h·w]
        var omega = torch.zeros(1 + h * w, 1 + h * w, dtype: ScalarType.Float32);
        omega[1.., 1..] = patches;                                              // class row and column stay 0
        return omega.MoveToOuterDisposeScope();
    }

    /// <summary>The reference's <c>gaussian_window(dim1, dim2, std)</c>: <c>[dim1, dim2]</c>.</summary>
    public static Tensor Window(int dim1, int dim2, double std)
    {
        using var scope = torch.NewDisposeScope();
        var constant = 1.0 / (std * Math.Sqrt(2));
        var axes = new[] { dim1, dim2 }.Select(dim =>
        {
            var start = -(dim - 1) / 2.0;
            return torch.linspace(start * constant, (start + (dim - 1)) * constant, dim, dtype: ScalarType.Float32);   // [dim]
        }).ToArray();
        // The reference's (stack(meshgrid(ys, xs, 'ij')) ** 2).sum(0): y² + x² per cell, the same one float addition.
        var distance = axes[0].pow(2).unsqueeze(1) + axes[1].pow(2).unsqueeze(0);   // [dim1, 1] + [1, dim2] -> [dim1, dim2]
        return torch.exp(-distance).MoveToOuterDisposeScope();
    }
}
