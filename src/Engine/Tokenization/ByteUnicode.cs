namespace ClipSurgeryWeb.Engine.Tokenization;

/// <summary>
/// The reference's <c>bytes_to_unicode</c>: every byte gets a printable character, so that BPE can work on
/// strings. Printable Latin-1 bytes stand for themselves; the other 68 bytes take U+0100 onwards, in byte order.
/// </summary>
internal static class ByteUnicode
{
    /// <summary>The 256 byte characters in the reference's order, which is also the order of vocabulary ids 0..255.</summary>
    public static IReadOnlyList<char> Characters { get; }

    private static readonly char[] CharOfByte = new char[256];

    // Indexed by character; every byte character is below U+0200. -1 where a character stands for no byte.
    private static readonly short[] ByteOfChar = new short[512];

    static ByteUnicode()
    {
        static bool Printable(int b) => b is >= '!' and <= '~' or >= '¡' and <= '¬' or >= '®' and <= 'ÿ';

        // The reference lists the printable bytes first, then the others, each group in byte order.
        var order = new List<char>(256);
        for (var b = 0; b < 256; b++)
        {
            if (Printable(b))
            {
                CharOfByte[b] = (char)b;
                order.Add(CharOfByte[b]);
            }
        }
        var next = 256;
        for (var b = 0; b < 256; b++)
        {
            if (!Printable(b))
            {
                CharOfByte[b] = (char)next++;
                order.Add(CharOfByte[b]);
            }
        }
        Characters = order;

        Array.Fill(ByteOfChar, (short)-1);
        for (var b = 0; b < 256; b++)
            ByteOfChar[CharOfByte[b]] = (short)b;
    }

    /// <summary>Each byte of <paramref name="bytes"/> as its character.</summary>
    public static string Encode(ReadOnlySpan<byte> bytes)
    {
        return string.Create(bytes.Length, bytes, static (chars, source) =>
        {
            for (var i = 0; i < source.Length; i++)
                chars[i] = CharOfByte[source[i]];
        });
    }

    /// <summary>Appends the byte each character of <paramref name="text"/> stands for.</summary>
    public static void AppendBytes(string text, List<byte> bytes)
    {
        foreach (var c in text)
        {
            var b = c < ByteOfChar.Length ? ByteOfChar[c] : (short)-1;
            if (b < 0)
                throw new InvalidOperationException($"'{c}' (U+{(int)c:X4}) stands for no byte.");
            bytes.Add((byte)b);
        }
    }
}
