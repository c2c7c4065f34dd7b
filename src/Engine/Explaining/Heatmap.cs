using ClipSurgeryWeb.Engine.Maps;
using ClipSurgeryWeb.Engine.Methods;
using ClipSurgeryWeb.Engine.Points;
using TorchSharp;

namespace ClipSurgeryWeb.Engine.Explaining;

/// <summary>
/// One target's map: its min–max normalised token grid (<see cref="Grid"/>, <c>[Side, Side]</c> row-major) and, for
/// single-label Surgery, the SAM point prompt. <see cref="Render"/> draws it at the image's own size
/// (<c>[Height, Width]</c>, the reference's normalised similarity map); only the small grid is kept.
/// </summary>
public sealed record Heatmap(MapMethod Method, string Target, int Height, int Width, float[] Grid, int Side, SamPrompt? Points, int Resolution)
{
    /// <summary>The map at the image's size, row-major <c>[H, W]</c> in [0, 1]: bilinear (align_corners = false) from the grid.</summary>
    public float[] Render()
    {
        using var scope = torch.NewDisposeScope();
        var grid = torch.tensor(Grid, [1, 1, Side, Side]);                  // [S·S] -> [1, 1, S, S]
        return SimilarityMap.Upsample(grid, Height, Width).data<float>().ToArray();   // [1, 1, H, W]
    }
}
