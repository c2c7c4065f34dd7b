using System.Text;

namespace ClipSurgeryWeb.Engine.Opinions;

/// <summary>
/// CLIP's word world records (the reference's <c>FUN_word-world-records.py</c>): every word longer than
/// <see cref="MinLength"/> characters over all accumulated word lists, once each, longest first. The reference
/// leaves ties in set order; here they are alphabetical (ordinal), so the list is stable.
/// </summary>
public static class WordRecords
{
    /// <summary>Words must be longer than this.</summary>
    public const int MinLength = 15;

    public static int Length(string word) => word.EnumerateRunes().Count();

    public static IReadOnlyList<WordRecord> Find(IEnumerable<(WordSource Source, IEnumerable<string> Words)> lists)
    {
        var sources = new Dictionary<string, SortedSet<(string Image, string Model)>>(StringComparer.Ordinal);
        foreach (var (source, words) in lists)
        {
            foreach (var word in words)
            {
                if (Length(word) <= MinLength)
                    continue;
                if (!sources.TryGetValue(word, out var set))
                    sources[word] = set = new SortedSet<(string, string)>(Comparer<(string Image, string Model)>.Create((a, b) =>
                    {
                        int c = string.CompareOrdinal(a.Image, b.Image);
                        return c != 0 ? c : string.CompareOrdinal(a.Model, b.Model);
                    }));
                set.Add((source.Image, source.Model));
            }
        }
        return sources
            .OrderByDescending(kv => Length(kv.Key))
            .ThenBy(kv => kv.Key, StringComparer.Ordinal)
            .Select(kv => new WordRecord(kv.Key, kv.Value.Select(s => new WordSource(s.Image, s.Model)).ToArray()))
            .ToArray();
    }

    /// <summary>
    /// Records over every opinion folder directly under <paramref name="outDir"/> (<see cref="OpinionFiles.FoldersIn"/>):
    /// the image and model come from its <c>opinion.json</c>, or are the folder's name and "unknown" without one.
    /// </summary>
    public static IReadOnlyList<WordRecord> FromFolder(string outDir) =>
        Find(OpinionFiles.FoldersIn(outDir).Select(folder =>
        {
            var info = OpinionFiles.ReadInfo(folder);
            var source = new WordSource(info?.Image ?? Path.GetFileName(folder), info?.Model ?? "unknown");
            return (source, (IEnumerable<string>)OpinionFiles.ReadWords(folder));
        }));

    /// <summary>The records as text: one per line, <c>word TAB length TAB images TAB models</c>.</summary>
    public static string ToText(IReadOnlyList<WordRecord> records)
    {
        var text = new StringBuilder();
        foreach (var r in records)
        {
            text.Append(r.Word).Append('\t').Append(r.Length).Append('\t')
                .AppendJoin(", ", r.Sources.Select(s => s.Image).Distinct()).Append('\t')
                .AppendJoin(", ", r.Sources.Select(s => s.Model).Distinct()).Append('\n');
        }
        return text.ToString();
    }
}
