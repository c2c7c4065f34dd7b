using System.Globalization;
using System.Text;

namespace ClipSurgeryWeb.Engine.Tokenization;

/// <summary>
/// Python's <c>html.unescape</c>, which the reference applies twice: the HTML standard's rules for character
/// references, including named ones written without their ';' (<c>&amp;copy 2020</c>) and the longest-known-prefix
/// rule (<c>&amp;notit;</c> is <c>¬it;</c>). <see cref="System.Net.WebUtility.HtmlDecode(string)"/> knows only
/// HTML 4's names and insists on ';', so it differs on such text.
/// </summary>
internal static class HtmlUnescaper
{
    private const string EntitiesResource = "ClipSurgeryWeb.Engine.Resources.html5_entities.txt";

    // A reference's name is at most this many code points, as in Python's pattern [^\t\n\f <&#;]{1,32}.
    private const int MaxNameLength = 32;

    // Numeric references to 0x80..0x9F mean what Windows-1252 puts there; 0x81, 0x8D, 0x8F, 0x90, 0x9D stay as they are.
    private const string Windows1252 =
        "\u20AC\u0081\u201A\u0192\u201E\u2026\u2020\u2021\u02C6\u2030\u0160\u2039\u0152\u008D\u017D\u008F" +
        "\u0090\u2018\u2019\u201C\u201D\u2022\u2013\u2014\u02DC\u2122\u0161\u203A\u0153\u009D\u017E\u0178";

    private static readonly Lazy<Dictionary<string, string>.AlternateLookup<ReadOnlySpan<char>>> Entities =
        new(() => LoadEntities().GetAlternateLookup<ReadOnlySpan<char>>());

    public static string Unescape(string text)
    {
        var amp = text.IndexOf('&');
        if (amp < 0)
            return text;

        var result = new StringBuilder(text.Length);
        var copied = 0;
        while (amp >= 0)
        {
            var next = amp + 1;
            if (TryReplace(text, amp, out var end, out var replacement))
            {
                result.Append(text, copied, amp - copied).Append(replacement);
                copied = next = end;
            }
            amp = next < text.Length ? text.IndexOf('&', next) : -1;
        }
        return result.Append(text, copied, text.Length - copied).ToString();
    }

    /// <summary>Reads the reference starting with the '&amp;' at <paramref name="amp"/>, if there is one there.</summary>
    private static bool TryReplace(string text, int amp, out int end, out string replacement)
    {
        var i = amp + 1;
        if (i < text.Length && text[i] == '#')
        {
            if (i + 1 < text.Length && char.IsAsciiDigit(text[i + 1]))
                return TryNumeric(text, i + 1, 10, out end, out replacement);
            if (i + 2 < text.Length && text[i + 1] is 'x' or 'X' && char.IsAsciiHexDigit(text[i + 2]))
                return TryNumeric(text, i + 2, 16, out end, out replacement);
            end = amp;
            replacement = "";
            return false;
        }

        end = i;
        for (var length = 0; length < MaxNameLength && end < text.Length && !EndsName(text[end]); length++)
            end += char.IsSurrogatePair(text, end) ? 2 : 1;
        if (end == i)
        {
            replacement = "";
            return false;
        }
        if (end < text.Length && text[end] == ';')
            end++;
        return TryNamed(text.AsSpan(i, end - i), out replacement);
    }

    private static bool EndsName(char c) => c is '\t' or '\n' or '\f' or ' ' or '<' or '&' or '#' or ';';

    private static bool TryNumeric(string text, int start, int radix, out int end, out string replacement)
    {
        // Python parses any number of digits; past U+10FFFF the value no longer matters, so it saturates there.
        const long beyondUnicode = 0x110000;
        long value = 0;
        end = start;
        for (; end < text.Length && (radix == 10 ? char.IsAsciiDigit(text[end]) : char.IsAsciiHexDigit(text[end])); end++)
            value = Math.Min(value * radix + DigitValue(text[end]), beyondUnicode);
        if (end < text.Length && text[end] == ';')
            end++;

        replacement = value switch
        {
            0 => "\uFFFD",
            0x0D => "\r",
            >= 0x80 and <= 0x9F => Windows1252[(int)value - 0x80].ToString(),
            >= 0xD800 and <= 0xDFFF or > 0x10FFFF => "\uFFFD",
            _ when IsDroppedCodePoint((int)value) => "",
            _ => char.ConvertFromUtf32((int)value),
        };
        return true;
    }

    private static int DigitValue(char digit) => digit <= '9' ? digit - '0' : (digit | 0x20) - 'a' + 10;

    // Control characters and noncharacters: a numeric reference to one of them stands for nothing.
    private static bool IsDroppedCodePoint(int value) =>
        value is >= 0x01 and <= 0x08 or 0x0B or >= 0x0E and <= 0x1F or >= 0x7F and <= 0x9F or >= 0xFDD0 and <= 0xFDEF
        || (value & 0xFFFE) == 0xFFFE;

    private static bool TryNamed(ReadOnlySpan<char> name, out string replacement)
    {
        var entities = Entities.Value;
        if (entities.TryGetValue(name, out var whole))
        {
            replacement = whole;
            return true;
        }
        // The longest known prefix (at least two characters) wins, and the rest of the name stays as text.
        for (var length = name.Length - 1; length > 1; length--)
        {
            if (entities.TryGetValue(name[..length], out var prefix))
            {
                replacement = prefix + name[length..].ToString();
                return true;
            }
        }
        replacement = "";
        return false;
    }

    private static Dictionary<string, string> LoadEntities()
    {
        using var stream = typeof(HtmlUnescaper).Assembly.GetManifestResourceStream(EntitiesResource)
            ?? throw new InvalidOperationException($"Embedded resource {EntitiesResource} is missing from the Engine assembly.");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var entities = new Dictionary<string, string>(StringComparer.Ordinal);
        while (reader.ReadLine() is { } line)
        {
            if (line.Length == 0 || line[0] == '#')
                continue;
            var tab = line.IndexOf('\t');
            var value = new StringBuilder(2);
            foreach (var hex in line[(tab + 1)..].Split(' '))
                value.Append(char.ConvertFromUtf32(int.Parse(hex, NumberStyles.HexNumber, CultureInfo.InvariantCulture)));
            entities.Add(line[..tab], value.ToString());
        }
        return entities;
    }
}
