using ClipSurgeryWeb.Engine.Methods;

namespace ClipSurgeryWeb.Web.Components.Shared;

/// <summary>
/// One column of the result grid: a map method, or SAM's mask. <see cref="Key"/> is what filters and the viewer hold
/// (the method's stable name, or <c>sam</c>), so a column survives a reload of the run; <see cref="Order"/> puts plain
/// CLIP first, as the contrast the others are read against, then the registry's methods, then the mask.
/// </summary>
public sealed record ResultColumn(string Key, string Title, MapMethod? Method, int Order)
{
    /// <summary>SAM's mask for a target (its overlay when there is one).</summary>
    public static ResultColumn Sam { get; } = new("sam", "SAM mask", null, int.MaxValue);

    /// <summary>The column of a method's heatmaps; a method the registry does not know goes after the known ones.</summary>
    public static ResultColumn For(MapMethod method)
    {
        var order = method == MapMethod.Plain ? -1 : MapMethods.Order(method);
        return new(method.Name, method.DisplayName, method, order == int.MaxValue ? int.MaxValue - 1 : order);
    }
}
