using System.Globalization;
using System.Text;

namespace ClipSurgeryWeb.Engine.Opinions;

/// <summary>
/// Decoded samples → words, as the reference's check-in: drop <c>&lt;|startoftext|&gt;</c> and
/// <c>&lt;|endoftext|&gt;</c>, delete the characters <see cref="StrippedCharacters"/>, keep what Python's
/// <c>str.isprintable</c> keeps, split on spaces.
/// </summary>
public static class TokenCleaner
{
    public const string StartOfText = "<|startoftext|>";
    public const string EndOfText = "<|endoftext|>";

    /// <summary>The reference's list: <c>. , * $ ) ( { } &amp; # % ^ \ / - _ ? ! &gt; &lt; " ' : ; @ = | +</c>.</summary>
    public const string StrippedCharacters = ".,*$)({}&#%^\\/-_?!><\"':;@=|+";

    /// <summary>The words of a decoded sample (<c>''.join(c for c in text if c.isprintable()).split()</c> after the strips).</summary>
    public static IReadOnlyList<string> Words(string decoded)
    {
        var text = RemoveSpecials(decoded);
        var kept = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            if (!StrippedCharacters.Contains(c))
                kept.Append(c);
        }
        // After the printable filter the only whitespace left is U+0020: every other Python whitespace is Cc, Z* or Cf.
        return KeepPrintable(kept.ToString()).Split(' ', StringSplitOptions.RemoveEmptyEntries);
    }

    /// <summary>How the reference prints a sample: specials removed, printable characters only, punctuation kept.</summary>
    public static string DisplayText(string decoded) => KeepPrintable(RemoveSpecials(decoded)).Trim();

    /// <summary>The specials go first, before their '&lt;', '|' and '&gt;' are stripped.</summary>
    public static string RemoveSpecials(string decoded) =>
        decoded.Replace(StartOfText, "", StringComparison.Ordinal).Replace(EndOfText, "", StringComparison.Ordinal);

    /// <summary>Python's <c>str.isprintable</c> per character: not Other (Cc, Cf, Cs, Co, Cn) or Separator (Zl, Zp, Zs), except the ASCII space.</summary>
    public static bool IsPrintable(Rune rune) => rune.Value == ' ' || Rune.GetUnicodeCategory(rune) switch
    {
        UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.Surrogate or UnicodeCategory.PrivateUse
            or UnicodeCategory.OtherNotAssigned or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator
            or UnicodeCategory.SpaceSeparator => false,
        _ => true,
    };

    private static string KeepPrintable(string text)
    {
        var kept = new StringBuilder(text.Length);
        foreach (var rune in text.EnumerateRunes())
        {
            if (IsPrintable(rune))
                kept.Append(rune.ToString());
        }
        return kept.ToString();
    }
}
