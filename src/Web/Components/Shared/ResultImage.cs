using ClipSurgeryWeb.Web.Services;

namespace ClipSurgeryWeb.Web.Components.Shared;

/// <summary>
/// One image of a run as the grid shows it: its targets in the run's order, the files that are not images, and its label
/// maps, one per method in drawing order.
/// </summary>
public sealed record ResultImage(RunImageView Image, IReadOnlyList<ResultRow> Rows, IReadOnlyList<FileView> Downloads,
    IReadOnlyList<LabelMapTile>? LabelMaps = null)
{
    public IReadOnlyList<LabelMapTile> LabelMapTiles => LabelMaps ?? [];
}
