using ClipSurgeryWeb.Engine.Maps;
using ClipSurgeryWeb.Engine.Methods;
using ClipSurgeryWeb.Engine.Points;
using TorchSharp;

namespace ClipSurgeryWeb.Engine.Explaining;

/// <summary>
/// One target's map: its min–max normalised token grid (<see cref="Grid"/>, <c>[Side, Side]</c> row-major) and, for
/// single-label Surgery, the SAM point prompt. <see cref="Render"/> draws it at the image's own size
/// (<c>[Height, Width]</c>, the reference's normalised similarity map); only the small grid is kept. <see cref="Range"/>
/// is what the grid's 0 and 1 stand for (the tokens' min and max before normalisation), so a colour bar can say it.
/// </summary>
public sealed record Heatmap(MapMethod Method, string Target, int Height, int Width, float[] Grid, int Side, SamPrompt? Points, int Resolution,
    MapRange? Range = null)
{
    /// <summary>The map at the image's size, row-major <c>[H, W]</c> in [0, 1]: bilinear (align_corners = false) from the grid.</summary>
    public float[] Render()
    {
        using var scope = torch.NewDisposeScope();
        var grid = torch.tensor(Grid, [1, 1, Side, Side]);                  // [S·S] -> [1, 1, S, S]
        return SimilarityMap.Upsample(grid, Height, Width).data<float>().ToArray();   // [1, 1, H, W]
    }
}
