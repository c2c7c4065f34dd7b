using ClipSurgeryWeb.Engine.Methods;

namespace ClipSurgeryWeb.Web.Services;

/// <summary>A result file as pages and the API show it: URLs to the authorised file endpoint, never the bytes.</summary>
public sealed record FileView(Guid Id, string FileName, string Kind, MapMethod? Mode, string? Label, string Url, string DownloadUrl)
{
    public bool IsImage => FileName.EndsWith(".png", StringComparison.OrdinalIgnoreCase);
}
