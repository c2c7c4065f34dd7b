using System.Collections.Concurrent;
using System.IO.Compression;
using System.Text;

namespace ClipSurgeryWeb.Engine.Tokenization;

/// <summary>
/// CLIP's byte-level BPE tokenizer: the reference's <c>SimpleTokenizer</c> (<c>clip/simple_tokenizer.py</c>) and
/// <c>clip.tokenize</c>, id for id. Safe to share between threads.
/// </summary>
public sealed class ClipTokenizer
{
    public const int DefaultContextLength = 77;

    // The reference keeps merges[1 : 49152-256-2+1]: the vocabulary is 49152 ids less 256 bytes, less 2 specials.
    private const int MergeCount = 49152 - 256 - 2;

    private const string StartOfText = "<|startoftext|>";
    private const string EndOfText = "<|endoftext|>";
    private const string WordEnd = "</w>";

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly string[] _tokens;
    private readonly Dictionary<string, int> _ids;
    private readonly Dictionary<(string First, string Second), int> _mergeRanks;
    /// <summary>Words whose merges are remembered; later new words are merged each time (the special tokens stay).</summary>
    private const int BpeCacheLimit = 100_000;

    private readonly ConcurrentDictionary<string, int[]> _bpeCache = new(StringComparer.Ordinal);

    /// <summary>Reads the merges from <c>bpe_simple_vocab_16e6.txt.gz</c>.</summary>
    /// <exception cref="FileNotFoundException">The file is not there.</exception>
    /// <exception cref="InvalidDataException">It is not a gzip of the reference's merges.</exception>
    public ClipTokenizer(string vocabPath)
    {
        var merges = ReadMerges(vocabPath);

        // Ids: the 256 byte characters, the same with the word end, one per merge, then the two specials.
        _tokens = [
            .. ByteUnicode.Characters.Select(c => c.ToString()),
            .. ByteUnicode.Characters.Select(c => c + WordEnd),
            .. merges.Select(m => m.First + m.Second),
            StartOfText,
            EndOfText,
        ];
        _ids = new Dictionary<string, int>(_tokens.Length, StringComparer.Ordinal);
        for (var id = 0; id < _tokens.Length; id++)
            _ids[_tokens[id]] = id;
        _mergeRanks = new Dictionary<(string, string), int>(merges.Count);
        for (var rank = 0; rank < merges.Count; rank++)
            _mergeRanks[merges[rank]] = rank;

        SotToken = _ids[StartOfText];
        EotToken = _ids[EndOfText];
        // The reference's BPE cache starts with the specials, so they come out whole.
        _bpeCache[StartOfText] = [SotToken];
        _bpeCache[EndOfText] = [EotToken];
    }

    /// <inheritdoc cref="ClipTokenizer(string)"/>
    public static ClipTokenizer FromFile(string path) => new(path);

    /// <summary><c>&lt;|startoftext|&gt;</c>, 49406.</summary>
    public int SotToken { get; }

    /// <summary><c>&lt;|endoftext|&gt;</c>, 49407.</summary>
    public int EotToken { get; }

    /// <summary>49408.</summary>
    public int VocabSize => _tokens.Length;

    /// <summary>
    /// The vocabulary's string for <paramref name="id"/>: bytes as the reference's printable characters, with
    /// <c>&lt;/w&gt;</c> where a word ends (<c>"cat&lt;/w&gt;"</c>).
    /// </summary>
    public string TokenText(int id)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(id);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(id, _tokens.Length);
        return _tokens[id];
    }

    /// <summary>BPE ids of <paramref name="text"/>, without start and end tokens; specials written in the text count as specials.</summary>
    /// <exception cref="ArgumentException">The text has an unpaired surrogate, which has no UTF-8 (the reference fails there too).</exception>
    public IReadOnlyList<int> Encode(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        try
        {
            StrictUtf8.GetByteCount(text);
        }
        catch (EncoderFallbackException e)
        {
            throw new ArgumentException($"Text has an unpaired surrogate at index {e.Index}, so it has no UTF-8 encoding.", nameof(text), e);
        }

        var ids = new List<int>();
        foreach (var piece in PreTokenizer.Split(TextCleaner.Clean(text)))
        {
            var bytes = Encoding.UTF8.GetBytes(piece);
            var word = ByteUnicode.Encode(bytes);
            if (!_bpeCache.TryGetValue(word, out var merged))
            {
                merged = Bpe(word);
                // Bounded: a long-running server sees endless new words (gradient ascent invents them).
                if (_bpeCache.Count < BpeCacheLimit)
                    _bpeCache.TryAdd(word, merged);
            }
            ids.AddRange(merged);
        }
        return ids;
    }

    /// <summary>
    /// Text of <paramref name="ids"/> as the reference gives it: the tokens' bytes decoded as UTF-8 (each invalid
    /// sequence becomes U+FFFD), then every <c>&lt;/w&gt;</c> a space.
    /// </summary>
    public string Decode(IEnumerable<int> ids)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var bytes = new List<byte>();
        foreach (var id in ids)
            ByteUnicode.AppendBytes(TokenText(id), bytes);
        return Encoding.UTF8.GetString(bytes.ToArray()).Replace(WordEnd, " ", StringComparison.Ordinal);
    }

    /// <summary><c>clip.tokenize</c> of one text: [SOT, ids…, EOT, 0…] of length <paramref name="contextLength"/>.</summary>
    /// <exception cref="TextTooLongException">The tokens do not fit and <paramref name="truncate"/> is false.</exception>
    public long[] Tokenize(string text, int contextLength = DefaultContextLength, bool truncate = false)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(contextLength);
        var row = new long[contextLength];
        var tokens = Frame(text, contextLength, truncate);
        for (var j = 0; j < tokens.Length; j++)
            row[j] = tokens[j];
        return row;
    }

    /// <summary><c>clip.tokenize</c> of several texts: one row each, as <see cref="Tokenize(string, int, bool)"/>.</summary>
    /// <exception cref="TextTooLongException">A text's tokens do not fit and <paramref name="truncate"/> is false.</exception>
    public long[,] Tokenize(IReadOnlyList<string> texts, int contextLength = DefaultContextLength, bool truncate = false)
    {
        ArgumentNullException.ThrowIfNull(texts);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(contextLength);
        var result = new long[texts.Count, contextLength];
        for (var i = 0; i < texts.Count; i++)
        {
            var tokens = Frame(texts[i], contextLength, truncate);
            for (var j = 0; j < tokens.Length; j++)
                result[i, j] = tokens[j];
        }
        return result;
    }

    /// <summary>SOT, the text's ids, EOT; cut to the context with EOT last when truncating.</summary>
    private int[] Frame(string text, int contextLength, bool truncate)
    {
        int[] tokens = [SotToken, .. Encode(text), EotToken];
        if (tokens.Length <= contextLength)
            return tokens;
        if (!truncate)
            throw new TextTooLongException(text, tokens.Length, contextLength);
        var cut = tokens[..contextLength];
        cut[^1] = EotToken;
        return cut;
    }

    /// <summary>
    /// The reference's <c>bpe</c>: start from the word's characters (the last one carrying <c>&lt;/w&gt;</c>) and
    /// keep merging the adjacent pair with the lowest rank, every occurrence left to right, until no pair has a rank.
    /// </summary>
    private int[] Bpe(string word)
    {
        var parts = new List<string>(word.Length);
        for (var i = 0; i < word.Length - 1; i++)
            parts.Add(word[i].ToString());
        parts.Add(word[^1] + WordEnd);

        while (parts.Count > 1)
        {
            var best = (First: "", Second: "");
            var bestRank = int.MaxValue;
            for (var i = 0; i < parts.Count - 1; i++)
            {
                if (_mergeRanks.TryGetValue((parts[i], parts[i + 1]), out var rank) && rank < bestRank)
                {
                    bestRank = rank;
                    best = (parts[i], parts[i + 1]);
                }
            }
            if (bestRank == int.MaxValue)
                break;

            var merged = new List<string>(parts.Count);
            for (var i = 0; i < parts.Count; i++)
            {
                if (i < parts.Count - 1 && parts[i] == best.First && parts[i + 1] == best.Second)
                {
                    merged.Add(best.First + best.Second);
                    i++;
                }
                else
                {
                    merged.Add(parts[i]);
                }
            }
            parts = merged;
        }
        return parts.Select(part => _ids[part]).ToArray();
    }

    private static List<(string First, string Second)> ReadMerges(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path))
            throw new FileNotFoundException($"CLIP BPE vocabulary {path} does not exist (expected bpe_simple_vocab_16e6.txt.gz from the reference).", path);

        string text;
        try
        {
            using var file = File.OpenRead(path);
            using var gzip = new GZipStream(file, CompressionMode.Decompress);
            using var reader = new StreamReader(gzip, StrictUtf8, detectEncodingFromByteOrderMarks: false);
            text = reader.ReadToEnd();
        }
        catch (Exception e) when (e is InvalidDataException or DecoderFallbackException)
        {
            throw new InvalidDataException($"CLIP BPE vocabulary {path} is not gzip-compressed UTF-8 text: {e.Message}", e);
        }

        // Line 0 is a version header; the reference uses the next MergeCount lines and ignores the rest.
        var lines = text.Split('\n');
        if (lines.Length < MergeCount + 1)
            throw new InvalidDataException($"CLIP BPE vocabulary {path} has {Math.Max(lines.Length - 1, 0)} merge lines after its header; CLIP needs {MergeCount}.");

        var merges = new List<(string, string)>(MergeCount);
        for (var n = 1; n <= MergeCount; n++)
        {
            var symbols = lines[n].Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (symbols.Length != 2)
                throw new InvalidDataException($"CLIP BPE vocabulary {path}, line {n + 1}: expected two symbols separated by a space, found \"{lines[n]}\".");
            merges.Add((symbols[0], symbols[1]));
        }
        return merges;
    }
}
