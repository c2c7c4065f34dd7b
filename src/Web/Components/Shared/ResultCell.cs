using ClipSurgeryWeb.Web.Services;

namespace ClipSurgeryWeb.Web.Components.Shared;

/// <summary>
/// One tile: the PNG shown for a target in a column. <see cref="File"/> is a heatmap (already 40 % image + 60 % JET) or
/// SAM's overlay (its bare mask when no overlay was written); <see cref="Mask"/> is the bare mask beside an overlay, so
/// both can be downloaded.
/// </summary>
public sealed record ResultCell(ResultColumn Column, string Label, FileView File, FileView? Mask = null)
{
    /// <summary>Heatmaps have a colour scale; masks do not.</summary>
    public bool IsHeatmap => File.Kind == "heatmap";
}
