namespace ClipSurgeryWeb.Engine.Imaging;

/// <summary>
/// What an image file is, checked without decoding a pixel: its type (from its content, not its name) and its size as
/// shown, i.e. after its EXIF orientation (a phone photo stored 4032×3024 with Orientation 6 is 3024×4032).
/// </summary>
public sealed record ImageFacts(ImageFileType Type, int Width, int Height, ushort Orientation)
{
    public long Pixels => (long)Width * Height;
}
