using ClipSurgeryWeb.Engine.Labelling;

namespace ClipSurgeryWeb.Engine.Overlay;

/// <summary>
/// The colours of a label map's classes: the PASCAL VOC colour map (class index bits spread over the high bits of
/// red, green and blue; index 0 black), the palette most segmentation tools show. A list with a background class
/// starts at index 0, so the background is black; one without starts at index 1, so no real class is drawn black.
/// </summary>
public static class ClassPalette
{
    /// <summary>The VOC colour of palette index <paramref name="index"/> (0…255).</summary>
    public static (byte R, byte G, byte B) Voc(int index)
    {
        int r = 0, g = 0, b = 0;
        for (int bit = 7, c = index; c > 0 && bit >= 0; bit--, c >>= 3)
        {
            r |= (c & 1) << bit;
            g |= (c >> 1 & 1) << bit;
            b |= (c >> 2 & 1) << bit;
        }
        return ((byte)r, (byte)g, (byte)b);
    }

    /// <summary>One colour per class, in id order.</summary>
    public static IReadOnlyList<(byte R, byte G, byte B)> For(ClassList classes) =>
        Enumerable.Range(0, classes.Count).Select(id => Voc(classes.HasBackground ? id : id + 1)).ToList();
}
