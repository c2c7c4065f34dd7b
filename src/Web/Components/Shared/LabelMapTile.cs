using ClipSurgeryWeb.Engine.Labelling;
using ClipSurgeryWeb.Engine.Methods;
using ClipSurgeryWeb.Web.Services;

namespace ClipSurgeryWeb.Web.Components.Shared;

/// <summary>
/// One method's label map of an image as the grid shows it: the colour overlay with its legend, the palette PNG of class
/// ids (the download), and each class's share of the pixels as the engine counted them.
/// </summary>
public sealed record LabelMapTile(MapMethod Method, FileView Overlay, FileView? Palette, IReadOnlyList<ClassShare> Shares)
{
    /// <summary>How many classes the tile lists beside it: the largest first, the rest summed up as "other".</summary>
    public const int TopClasses = 5;

    /// <summary>The classes covering the most pixels, largest first (ties in class order); classes with no pixel are left out.</summary>
    public IReadOnlyList<ClassShare> Top => Shares.Where(s => s.Share > 0).OrderByDescending(s => s.Share).ThenBy(s => s.ClassId).Take(TopClasses).ToList();

    /// <summary>What the classes beyond <see cref="Top"/> cover together.</summary>
    public double Rest => Math.Max(0, Shares.Sum(s => s.Share) - Top.Sum(s => s.Share));

    /// <summary>The key the viewer and the arrow keys hold (a reload rebuilds the tiles).</summary>
    public string Key => Method.Name;

    /// <summary>The tile as the viewer opens it: the overlay over the image, titled by the method.</summary>
    public ResultCell Cell => new(new ResultColumn($"labels-{Method.Name}", $"{Method.DisplayName} label map", Method, MapMethods.Order(Method)),
        "Label map", Overlay, Palette);
}
