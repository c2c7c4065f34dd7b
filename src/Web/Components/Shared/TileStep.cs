namespace ClipSurgeryWeb.Web.Components.Shared;

/// <summary>Where the tile viewer's arrow keys go: across the methods of a target, or down the targets of an image.</summary>
public enum TileStep
{
    PreviousMethod,
    NextMethod,
    PreviousTarget,
    NextTarget,
}
