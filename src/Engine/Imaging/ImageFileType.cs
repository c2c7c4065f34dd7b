namespace ClipSurgeryWeb.Engine.Imaging;

/// <summary>The image files the engine reads: the ones whose structure it can check end to end before decoding.</summary>
public enum ImageFileType
{
    Png,
    Jpeg,
    WebP,
    Bmp,
    Gif,
}
