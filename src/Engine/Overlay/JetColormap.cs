namespace ClipSurgeryWeb.Engine.Overlay;

/// <summary>
/// OpenCV's <c>COLORMAP_JET</c> lookup table (what the reference's <c>cv2.applyColorMap</c> uses), as RGB bytes.
/// Jet is piecewise linear in steps of 4/255 per entry: blue rises from 128 to 255 over entries 0–32 and falls to 0
/// over 96–160, green rises over 32–96 and falls over 160–224, red mirrors blue.
/// </summary>
public static class JetColormap
{
    /// <summary><c>[256]</c> entries of (R, G, B).</summary>
    public static IReadOnlyList<(byte R, byte G, byte B)> Table { get; } = Build();

    private static (byte R, byte G, byte B)[] Build()
    {
        static byte Clamp(int v) => (byte)Math.Clamp(v, 0, 255);
        static int Blue(int i) => Math.Min(128 + 4 * i, 638 - 4 * i);
        static int Green(int i) => Math.Min(4 * i - 128, 892 - 4 * i);

        var table = new (byte R, byte G, byte B)[256];
        for (int i = 0; i < 256; i++)
            table[i] = (Clamp(Blue(255 - i)), Clamp(Green(i)), Clamp(Blue(i)));

        // OpenCV stores Jet as float samples and rounds them to bytes; its blue sample at 159 is 1.5/255 in float,
        // which rounds down to 1 where the exact line gives 2 (its mirror, red at 96, rounds up to 2).
        table[159] = (table[159].R, table[159].G, 1);
        return table;
    }
}
