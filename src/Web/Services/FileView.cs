using ClipSurgeryWeb.Engine.Labelling;
using ClipSurgeryWeb.Engine.Maps;
using ClipSurgeryWeb.Engine.Methods;

namespace ClipSurgeryWeb.Web.Services;

/// <summary>
/// A result file as pages and the API show it: URLs to the authorised file endpoint, never the bytes. <see cref="Range"/>:
/// what a heatmap's 0 and 1 stand for (null for other files and older rows); <see cref="Shares"/>: a label map's pixel
/// share per class, in class order (null for other files).
/// </summary>
public sealed record FileView(Guid Id, string FileName, string Kind, MapMethod? Mode, string? Label, string Url, string DownloadUrl,
    MapRange? Range = null, IReadOnlyList<ClassShare>? Shares = null)
{
    public bool IsImage => FileName.EndsWith(".png", StringComparison.OrdinalIgnoreCase);
}
