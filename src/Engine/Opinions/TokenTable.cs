using System.Text;

namespace ClipSurgeryWeb.Engine.Opinions;

/// <summary>
/// An image's CLIP opinion as the reference leaves it in <c>tokens_&lt;image&gt;.csv</c>: each word of the LAST
/// check-in with how often it was counted, in the order first seen. <c>runall</c> labels the maps with every token
/// and draws the ones counted at least <see cref="DefaultTargetFrequency"/> times.
/// </summary>
public sealed class TokenTable
{
    public const int DefaultTargetFrequency = 3;
    public const string CsvHeader = "Token,Frequency";

    /// <summary>
    /// The reference re-counts a sample when its loss is below the largest key of its <c>bests</c> table, which starts
    /// as {1000 … 1004} and is never updated: every real loss (−100 … 100) passes.
    /// </summary>
    public const float ReferenceBestsCeiling = 1004;

    public TokenTable(IReadOnlyList<TokenCount> rows)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var row in rows)
        {
            if (string.IsNullOrEmpty(row.Token) || row.Token.Any(char.IsWhiteSpace))
                throw new ArgumentException($"'{row.Token}' is not a token (empty or with white space)", nameof(rows));
            if (!seen.Add(row.Token))
                throw new ArgumentException($"'{row.Token}' is listed twice", nameof(rows));
            if (row.Frequency < 1)
                throw new ArgumentException($"'{row.Token}' has frequency {row.Frequency}", nameof(rows));
        }
        Rows = rows;
    }

    public static TokenTable Empty { get; } = new([]);

    public IReadOnlyList<TokenCount> Rows { get; }

    /// <summary>Every token: the label set of the maps.</summary>
    public IReadOnlyList<string> Tokens => Rows.Select(r => r.Token).ToArray();

    /// <summary>Tokens counted at least <paramref name="minFrequency"/> times: what <c>runall</c> draws.</summary>
    public IReadOnlyList<string> Targets(int minFrequency = DefaultTargetFrequency) =>
        Rows.Where(r => r.Frequency >= minFrequency).Select(r => r.Token).ToArray();

    public int FrequencyOf(string token) => Rows.FirstOrDefault(r => r.Token == token)?.Frequency ?? 0;

    /// <summary>
    /// The table one check-in leaves, counted as the reference does. Each sample's words are counted once; the
    /// reference then counts them again (see <see cref="ReferenceBestsCeiling"/>), but it writes the CSV after each
    /// sample's first count and before its second, so the file it keeps has every sample twice except the last once.
    /// </summary>
    public static TokenTable FromCheckIn(IReadOnlyList<CheckInSample> samples)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        var order = new List<string>();
        for (int i = 0; i < samples.Count; i++)
        {
            bool countedTwice = i < samples.Count - 1 && samples[i].Loss < ReferenceBestsCeiling;
            foreach (var word in samples[i].Words)
            {
                if (!counts.TryGetValue(word, out var n))
                    order.Add(word);
                counts[word] = n + (countedTwice ? 2 : 1);
            }
        }
        return new TokenTable(order.Select(w => new TokenCount(w, counts[w])).ToArray());
    }

    /// <summary><c>Token,Frequency</c> with a header, one row per token (tokens never hold a comma or a quote: the cleaning strips them; other text is quoted as RFC 4180).</summary>
    public string ToCsv()
    {
        var csv = new StringBuilder(CsvHeader).Append('\n');
        foreach (var row in Rows)
            csv.Append(Quote(row.Token)).Append(',').Append(row.Frequency).Append('\n');
        return csv.ToString();
    }

    public void WriteCsv(string path) => File.WriteAllText(path, ToCsv(), new UTF8Encoding(false));

    /// <summary>Reads a file written by <see cref="WriteCsv"/>.</summary>
    /// <exception cref="EngineInputException">The file is missing or is not a token table.</exception>
    public static TokenTable ReadCsv(string path)
    {
        if (!File.Exists(path))
            throw new EngineInputException(path, "no such token table");
        var lines = File.ReadAllLines(path, Encoding.UTF8);
        if (lines.Length == 0 || lines[0].Trim() != CsvHeader)
            throw new EngineInputException(path, $"not a token table (the first line must be {CsvHeader})");
        var rows = new List<TokenCount>();
        for (int n = 1; n < lines.Length; n++)
        {
            if (lines[n].Length == 0)
                continue;
            var cut = lines[n].LastIndexOf(',');
            if (cut <= 0 || !int.TryParse(lines[n].AsSpan(cut + 1), out var frequency))
                throw new EngineInputException(path, $"line {n + 1} is not token,frequency: \"{lines[n]}\"");
            rows.Add(new TokenCount(Unquote(lines[n][..cut]), frequency));
        }
        try
        {
            return new TokenTable(rows);
        }
        catch (ArgumentException e)
        {
            throw new EngineInputException(path, e.Message, e);
        }
    }

    private static string Quote(string field) =>
        field.IndexOfAny([',', '"', '\n', '\r']) < 0 ? field : $"\"{field.Replace("\"", "\"\"", StringComparison.Ordinal)}\"";

    private static string Unquote(string field) =>
        field.Length >= 2 && field[0] == '"' && field[^1] == '"' ? field[1..^1].Replace("\"\"", "\"", StringComparison.Ordinal) : field;
}
