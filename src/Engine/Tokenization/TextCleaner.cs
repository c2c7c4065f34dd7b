using System.Globalization;
using System.Text;

namespace ClipSurgeryWeb.Engine.Tokenization;

/// <summary>
/// The reference's text preparation, in its order: <c>basic_clean</c> (<c>ftfy.fix_text</c>, taken as identity;
/// <c>html.unescape</c> twice; <c>strip</c>), <c>whitespace_clean</c> (<c>\s+</c> to one space; <c>strip</c>), then
/// <c>str.lower</c>. Each step keeps Python's meaning of whitespace and of lower case.
/// </summary>
internal static class TextCleaner
{
    private const char CapitalSigma = '\u03A3';

    // Python's str.lower gives U+0130 its full lower case: 'i' followed by COMBINING DOT ABOVE.
    private const char CapitalIWithDot = '\u0130';

    // Other_Lowercase / Other_Uppercase characters without a case mapping: Python counts them as cased.
    private static readonly (int First, int Last)[] CasedWithoutMapping =
        [(0xAA, 0xAA), (0xBA, 0xBA), (0x1F130, 0x1F149), (0x1F150, 0x1F169), (0x1F170, 0x1F189)];

    // Word_Break MidLetter, MidNumLet and Single_Quote: case-ignorable although they are punctuation.
    private static readonly int[] CaseIgnorablePunctuation =
        [0x27, 0x2E, 0x3A, 0xB7, 0x387, 0x55F, 0x5F4, 0x2018, 0x2019, 0x2024, 0x2027, 0xFE13, 0xFE52, 0xFE55, 0xFF07, 0xFF0E, 0xFF1A];

    public static string Clean(string text)
    {
        var unescaped = HtmlUnescaper.Unescape(HtmlUnescaper.Unescape(text));
        var collapsed = CollapseWhitespace(StripPythonSpace(unescaped));
        return PythonLower(StripPythonSpace(collapsed));
    }

    /// <summary>
    /// Python's <c>str.isspace</c>: the regex module's <c>\s</c> (which is .NET's white space) plus U+001C..U+001F,
    /// which <c>strip</c> removes at the ends although <c>\s+</c> leaves them inside the text.
    /// </summary>
    private static bool IsPythonSpace(char c) => char.IsWhiteSpace(c) || c is >= '\u001C' and <= '\u001F';

    private static string StripPythonSpace(string text)
    {
        var start = 0;
        var end = text.Length;
        while (start < end && IsPythonSpace(text[start]))
            start++;
        while (end > start && IsPythonSpace(text[end - 1]))
            end--;
        return text[start..end];
    }

    private static string CollapseWhitespace(string text)
    {
        var result = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            if (!char.IsWhiteSpace(text[i]))
            {
                result.Append(text[i]);
                continue;
            }
            result.Append(' ');
            while (i + 1 < text.Length && char.IsWhiteSpace(text[i + 1]))
                i++;
        }
        return result.ToString();
    }

    /// <summary>
    /// Python's <c>str.lower</c>: simple lower case per code point, except U+0130 (two characters) and capital sigma,
    /// which becomes final sigma (ς) when it ends a word.
    /// </summary>
    private static string PythonLower(string text)
    {
        var result = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length;)
        {
            Rune.DecodeFromUtf16(text.AsSpan(i), out var rune, out var width);
            if (rune.Value == CapitalIWithDot)
                result.Append("i\u0307");
            else if (rune.Value == CapitalSigma)
                result.Append(IsFinalSigma(text, i) ? '\u03C2' : '\u03C3');
            else
                result.Append(Rune.ToLowerInvariant(rune).ToString());
            i += width;
        }
        return result.ToString();
    }

    /// <summary>
    /// Unicode's Final_Sigma condition, as Python applies it: a cased letter before the sigma and none after it,
    /// looking past case-ignorable characters both ways.
    /// </summary>
    private static bool IsFinalSigma(string text, int sigma)
    {
        var before = NearestNotIgnorable(text, sigma, forward: false);
        if (before is not { } previous || !IsCased(previous))
            return false;
        var after = NearestNotIgnorable(text, sigma + 1, forward: true);
        return after is not { } following || !IsCased(following);
    }

    private static Rune? NearestNotIgnorable(string text, int from, bool forward)
    {
        var i = from;
        while (forward ? i < text.Length : i > 0)
        {
            Rune rune;
            int width;
            if (forward)
            {
                Rune.DecodeFromUtf16(text.AsSpan(i), out rune, out width);
                i += width;
            }
            else
            {
                Rune.DecodeLastFromUtf16(text.AsSpan(0, i), out rune, out width);
                i -= width;
            }
            if (!IsCaseIgnorable(rune))
                return rune;
        }
        return null;
    }

    private static bool IsCased(Rune rune) =>
        Rune.GetUnicodeCategory(rune) is UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter
        || Rune.ToUpperInvariant(rune) != rune
        || Rune.ToLowerInvariant(rune) != rune
        || CasedWithoutMapping.Any(range => rune.Value >= range.First && rune.Value <= range.Last);

    private static bool IsCaseIgnorable(Rune rune) =>
        Rune.GetUnicodeCategory(rune) is UnicodeCategory.NonSpacingMark or UnicodeCategory.EnclosingMark or UnicodeCategory.Format
            or UnicodeCategory.ModifierLetter or UnicodeCategory.ModifierSymbol
        || CaseIgnorablePunctuation.Contains(rune.Value);
}
