using System.Text;

namespace ClipSurgeryWeb.Engine.Tokenization;

/// <summary>
/// Splits cleaned text into the pieces that BPE sees, as the reference's pattern
/// <c>&lt;\|startoftext\|&gt;|&lt;\|endoftext\|&gt;|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+</c>
/// does under the regex module with <c>re.IGNORECASE</c>, walking code points (not UTF-16 units), so that an emoji
/// or a CJK character outside the BMP is one character, as it is in Python.
/// </summary>
internal static class PreTokenizer
{
    // The pattern's literal alternatives, tried in its order before the character classes.
    private static readonly string[] Literals = ["<|startoftext|>", "<|endoftext|>", "'s", "'t", "'re", "'ve", "'m", "'ll", "'d"];

    private enum CharClass
    {
        Letter,
        Number,
        Other,
        Space,

        /// <summary>Accepted by no alternative, so <c>findall</c> skips it.</summary>
        Unmatched,
    }

    public static List<string> Split(string text)
    {
        var pieces = new List<string>();
        var i = 0;
        while (i < text.Length)
        {
            var literal = MatchLiteral(text, i);
            if (literal > 0)
            {
                pieces.Add(text.Substring(i, literal));
                i += literal;
                continue;
            }

            var (charClass, width) = ClassAt(text, i);
            var end = i + width;
            switch (charClass)
            {
                case CharClass.Letter or CharClass.Other:
                    // [\p{L}]+ and [^\s\p{L}\p{N}]+ take a whole run; [\p{N}] takes one code point.
                    while (end < text.Length && ClassAt(text, end) is var (next, nextWidth) && next == charClass)
                        end += nextWidth;
                    pieces.Add(text[i..end]);
                    break;
                case CharClass.Number:
                    pieces.Add(text[i..end]);
                    break;
            }
            i = end;
        }
        return pieces;
    }

    private static int MatchLiteral(string text, int start)
    {
        foreach (var literal in Literals)
        {
            if (start + literal.Length > text.Length)
                continue;
            var matches = true;
            for (var k = 0; k < literal.Length && matches; k++)
                matches = SameIgnoringCase(literal[k], text[start + k]);
            if (matches)
                return literal.Length;
        }
        return 0;
    }

    /// <summary>
    /// Case-insensitive equality with a pattern character, by simple case folding as the regex module does:
    /// besides ASCII case, 's' also matches U+017F LATIN SMALL LETTER LONG S (no other letter in the pattern has
    /// such a partner).
    /// </summary>
    private static bool SameIgnoringCase(char pattern, char c) =>
        c == pattern
        || (char.IsAsciiLetterLower(pattern) && c == char.ToUpperInvariant(pattern))
        || (pattern == 's' && c == '\u017F');

    private static (CharClass Class, int Width) ClassAt(string text, int index)
    {
        Rune.DecodeFromUtf16(text.AsSpan(index), out var rune, out var width);
        return (Classify(rune), width);
    }

    private static CharClass Classify(Rune rune)
    {
        if (Rune.IsWhiteSpace(rune))
            return CharClass.Space;
        if (Rune.IsLetter(rune))
            return CharClass.Letter;
        if (Rune.IsNumber(rune))
            return CharClass.Number;
        // Under IGNORECASE the regex module turns away a character that is neither letter nor number but whose case
        // partner is one (U+0345 COMBINING GREEK YPOGEGRAMMENI, partner Ι): no class takes it, so the reference
        // drops it from the text.
        var upper = Rune.ToUpperInvariant(rune);
        var lower = Rune.ToLowerInvariant(rune);
        if (Rune.IsLetter(upper) || Rune.IsNumber(upper) || Rune.IsLetter(lower) || Rune.IsNumber(lower))
            return CharClass.Unmatched;
        return CharClass.Other;
    }
}
