using System.IO.Compression;
using System.Text.Json;
using ClipSurgeryWeb.Engine.Tests.Support;
using ClipSurgeryWeb.Engine.Tokenization;

namespace ClipSurgeryWeb.Engine.Tests.Tokenization;

public sealed class ClipTokenizerTests(ClipTokenizerTests.VocabFixture vocab) : IClassFixture<ClipTokenizerTests.VocabFixture>
{
    private readonly ClipTokenizer _tokenizer = vocab.Tokenizer;

    public sealed class VocabFixture
    {
        public ClipTokenizer Tokenizer { get; } = ClipTokenizer.FromFile(Shared.Vocab);
    }

    /// <summary>One entry of golden_meta.json's tokenizer.cases.</summary>
    public sealed record GoldenCase(string Text, int[] BpeIds, string Decoded, long[]? Tokenize77, long[]? Tokenize77Truncate);

    private static readonly Lazy<JsonElement> Golden = new(() =>
        JsonDocument.Parse(File.ReadAllText(Shared.Fixture("golden_meta.json"))).RootElement.GetProperty("tokenizer"));

    private static GoldenCase Case(int index)
    {
        var json = Golden.Value.GetProperty("cases")[index];
        long[]? Optional(string name) =>
            json.TryGetProperty(name, out var value) ? value.EnumerateArray().Select(v => v.GetInt64()).ToArray() : null;
        return new GoldenCase(
            json.GetProperty("text").GetString()!,
            json.GetProperty("bpe_ids").EnumerateArray().Select(v => v.GetInt32()).ToArray(),
            json.GetProperty("decoded").GetString()!,
            Optional("tokenize77"),
            Optional("tokenize77_truncate"));
    }

    private static IEnumerable<GoldenCase> AllCases() =>
        Enumerable.Range(0, CaseCount).Select(Case);

    private static int CaseCount => Golden.Value.GetProperty("cases").GetArrayLength();

    private static int[] PaddedCases => [.. Enumerable.Range(0, CaseCount).Where(i => Case(i).Tokenize77 is not null)];

    private static int[] TooLongCases => [.. Enumerable.Range(0, CaseCount).Where(i => Case(i).Tokenize77Truncate is not null)];

    private static int RandomDecodeCount => Golden.Value.GetProperty("random_decode").GetArrayLength();

    public static TheoryData<int> CaseIndices() => [.. Enumerable.Range(0, CaseCount)];

    public static TheoryData<int> PaddedCaseIndices() => [.. PaddedCases];

    public static TheoryData<int> TooLongCaseIndices() => [.. TooLongCases];

    public static TheoryData<int> RandomDecodeIndices() => [.. Enumerable.Range(0, RandomDecodeCount)];

    [Fact]
    public void Golden_has_padded_and_too_long_cases_and_random_decodes()
    {
        // Guards the theories below against passing by running on nothing.
        Assert.True(PaddedCases.Length >= 10);
        Assert.NotEmpty(TooLongCases);
        Assert.True(RandomDecodeCount > 0);
    }

    [Theory]
    [MemberData(nameof(CaseIndices))]
    public void Encodes_every_golden_case_exactly(int index)
    {
        var golden = Case(index);
        Assert.Equal(golden.BpeIds, _tokenizer.Encode(golden.Text));
    }

    [Theory]
    [MemberData(nameof(CaseIndices))]
    public void Decodes_every_golden_case_exactly(int index)
    {
        var golden = Case(index);
        Assert.Equal(golden.Decoded, _tokenizer.Decode(golden.BpeIds));
    }

    [Theory]
    [MemberData(nameof(PaddedCaseIndices))]
    public void Tokenizes_every_golden_case_to_77_exactly(int index)
    {
        var golden = Case(index);
        Assert.Equal(golden.Tokenize77, _tokenizer.Tokenize(golden.Text));
    }

    [Theory]
    [MemberData(nameof(TooLongCaseIndices))]
    public void Truncates_a_too_long_golden_case_to_77_with_eot_last(int index)
    {
        var golden = Case(index);
        var tokens = _tokenizer.Tokenize(golden.Text, truncate: true);
        Assert.Equal(golden.Tokenize77Truncate, tokens);
        Assert.Equal(ClipTokenizer.DefaultContextLength, tokens.Length);
        Assert.Equal(_tokenizer.EotToken, tokens[^1]);
    }

    [Theory]
    [MemberData(nameof(TooLongCaseIndices))]
    public void Refuses_a_too_long_golden_case_without_truncation_naming_text_and_counts(int index)
    {
        var golden = Case(index);
        var error = Assert.Throws<TextTooLongException>(() => _tokenizer.Tokenize(golden.Text));
        Assert.Equal(golden.Text, error.Text);
        Assert.Equal(golden.BpeIds.Length + 2, error.TokenCount);
        Assert.Equal(77, error.ContextLength);
        Assert.Contains(golden.Text, error.Message);
        Assert.Contains($"{golden.BpeIds.Length + 2} tokens", error.Message);
        Assert.Contains("context length 77", error.Message);
    }

    [Fact]
    public void Tokenizes_a_list_to_one_golden_row_per_text()
    {
        var cases = AllCases().Where(c => c.Tokenize77 is not null).ToList();
        var rows = _tokenizer.Tokenize(cases.Select(c => c.Text).ToList());

        Assert.Equal(cases.Count, rows.GetLength(0));
        Assert.Equal(77, rows.GetLength(1));
        for (var i = 0; i < cases.Count; i++)
            Assert.Equal(cases[i].Tokenize77, Enumerable.Range(0, 77).Select(j => rows[i, j]));
    }

    [Fact]
    public void Tokenizing_a_list_refuses_a_too_long_text_unless_truncating()
    {
        var tooLong = AllCases().First(c => c.Tokenize77Truncate is not null);
        var texts = new[] { "a photo of a cat.", tooLong.Text };

        var error = Assert.Throws<TextTooLongException>(() => _tokenizer.Tokenize(texts));
        Assert.Equal(tooLong.Text, error.Text);

        var rows = _tokenizer.Tokenize(texts, truncate: true);
        Assert.Equal(tooLong.Tokenize77Truncate, Enumerable.Range(0, 77).Select(j => rows[1, j]));
    }

    [Fact]
    public void Context_length_other_than_77_pads_or_truncates_to_that_length()
    {
        Assert.Equal([49406L, 320, 1125, 539, 320, 2368, 269, 49407, 0, 0], _tokenizer.Tokenize("a photo of a cat.", contextLength: 10));
        Assert.Equal([49406L, 320, 1125, 49407], _tokenizer.Tokenize("a photo of a cat.", contextLength: 4, truncate: true));
        Assert.Throws<TextTooLongException>(() => _tokenizer.Tokenize("a photo of a cat.", contextLength: 7));
    }

    [Theory]
    [MemberData(nameof(RandomDecodeIndices))]
    public void Decodes_random_golden_ids_exactly(int index)
    {
        var golden = Golden.Value.GetProperty("random_decode")[index];
        var ids = golden.GetProperty("ids").EnumerateArray().Select(v => v.GetInt32());
        Assert.Equal(golden.GetProperty("decoded").GetString(), _tokenizer.Decode(ids));
    }

    [Fact]
    public void Special_tokens_and_vocabulary_size_are_the_references()
    {
        Assert.Equal(49406, _tokenizer.SotToken);
        Assert.Equal(49407, _tokenizer.EotToken);
        Assert.Equal(49408, _tokenizer.VocabSize);
        Assert.Equal("<|startoftext|>", _tokenizer.TokenText(49406));
        Assert.Equal("<|endoftext|>", _tokenizer.TokenText(49407));
    }

    [Fact]
    public void Token_text_is_the_raw_vocabulary_string()
    {
        Assert.Equal("cat</w>", _tokenizer.TokenText(2368));
        Assert.Equal("!", _tokenizer.TokenText(0));
        // Byte 0x00 is not printable: it is the first byte moved to U+0100, right after the 188 printable bytes.
        Assert.Equal("\u0100", _tokenizer.TokenText(188));
        Assert.Equal("\u0100</w>", _tokenizer.TokenText(256 + 188));
        Assert.Throws<ArgumentOutOfRangeException>(() => _tokenizer.TokenText(49408));
        Assert.Throws<ArgumentOutOfRangeException>(() => _tokenizer.TokenText(-1));
    }

    // Expected ids below come from running the reference's clip/simple_tokenizer.py (Python 3.11, regex 2026.5.9,
    // ftfy.fix_text as identity): behaviour the golden cases do not reach.
    [Theory]
    [InlineData("&copy 2020 &notit; &#x80; &#0; &#xD800; &amp;amp;", new[] { 5811, 273, 271, 273, 271, 126, 361, 585, 282, 6309, 39802, 39802, 261 })]
    [InlineData("İstanbul", new[] { 328, 16384, 11231 })]
    [InlineData("ΟΔΟΣ ΟΔΟΣ. Σ", new[] { 138, 123, 138, 112, 138, 123, 139, 480, 138, 123, 138, 112, 138, 123, 139, 480, 269, 139, 481 })]
    [InlineData("a\u0345b", new[] { 320, 321 })]
    [InlineData("it'ſ <|ſtartoftext|>", new[] { 585, 6, 129, 379, 27, 91, 129, 123, 2002, 6659, 18169, 91, 285 })]
    [InlineData("\u001C a \u001Cb \u001C", new[] { 320, 472, 321 })]
    [InlineData("A\u00A0\u3000B", new[] { 320, 321 })]
    [InlineData("🐱🐶x2😀", new[] { 35710, 10631, 343, 273, 7334 })]
    [InlineData("𝐀𝐁 ½ ⅷ", new[] { 15889, 222, 15889, 479, 33613, 158, 227, 371 })]
    public void Encodes_like_the_reference_beyond_the_golden_cases(string text, int[] expected)
    {
        Assert.Equal(expected, _tokenizer.Encode(text));
    }

    [Fact]
    public void Decoding_broken_utf8_replaces_it_as_python_does()
    {
        // 156 is byte 0xE0 alone (a lead byte with nothing after it), 478 is byte 0x80 with the word end.
        Assert.Equal("\uFFFD\uFFFD ", _tokenizer.Decode([156, 478]));
    }

    [Fact]
    public void Decoding_an_id_outside_the_vocabulary_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => _tokenizer.Decode([320, 49408]));
    }

    [Fact]
    public void Encoding_text_with_an_unpaired_surrogate_is_refused()
    {
        var error = Assert.Throws<ArgumentException>(() => _tokenizer.Encode("cat \uD83D"));
        Assert.Contains("surrogate", error.Message);
    }

    [Fact]
    public void Encodes_the_same_from_many_threads_at_once()
    {
        var fresh = ClipTokenizer.FromFile(Shared.Vocab);
        var cases = AllCases().ToList();
        Parallel.For(0, cases.Count * 50, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i =>
        {
            var golden = cases[i % cases.Count];
            Assert.Equal(golden.BpeIds, fresh.Encode(golden.Text));
        });
    }

    [Fact]
    public void Missing_vocab_file_gives_an_error_naming_the_file()
    {
        var path = Path.Combine(Path.GetTempPath(), $"no-such-vocab-{Guid.NewGuid():N}.txt.gz");
        var error = Assert.Throws<FileNotFoundException>(() => ClipTokenizer.FromFile(path));
        Assert.Contains(path, error.Message);
        Assert.Equal(path, error.FileName);
    }

    [Fact]
    public void Vocab_file_that_is_not_gzip_gives_an_error_naming_the_file()
    {
        using var file = new TemporaryFile();
        File.WriteAllText(file.Path, "#version: 0.2\ni n\n");
        var error = Assert.Throws<InvalidDataException>(() => ClipTokenizer.FromFile(file.Path));
        Assert.Contains(file.Path, error.Message);
        Assert.Contains("gzip", error.Message);
    }

    [Fact]
    public void Vocab_file_with_too_few_merges_gives_an_error_naming_the_file()
    {
        using var file = new TemporaryFile();
        using (var gzip = new GZipStream(File.Create(file.Path), CompressionLevel.Fastest))
        using (var writer = new StreamWriter(gzip))
            writer.Write("#version: 0.2\ni n\nt h\n");
        var error = Assert.Throws<InvalidDataException>(() => ClipTokenizer.FromFile(file.Path));
        Assert.Contains(file.Path, error.Message);
        Assert.Contains("48894", error.Message);
    }

    private sealed class TemporaryFile : IDisposable
    {
        public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"vocab-{Guid.NewGuid():N}.txt.gz");

        public void Dispose() => File.Delete(Path);
    }
}
