using ClipSurgeryWeb.Engine.Opinions;

namespace ClipSurgeryWeb.Engine.Tests.Opinions;

public sealed class WordRecordsTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("records-").FullName;

    [Fact]
    public void Records_are_words_over_15_characters_once_each_longest_first_ties_alphabetical()
    {
        var cat = new WordSource("cat.png", "ViT-B/16");
        var dog = new WordSource("dog.png", "RN50");
        var records = WordRecords.Find([
            (cat, ["fifteencharacte", "sixteencharacter", "zzzzsixteenchars", "aaaasixteenchars", "seventeencharacte"]),
            (dog, ["sixteencharacter", "short"]),
        ]);

        Assert.Equal(["seventeencharacte", "aaaasixteenchars", "sixteencharacter", "zzzzsixteenchars"], records.Select(r => r.Word));
        Assert.Equal([17, 16, 16, 16], records.Select(r => r.Length));
        Assert.Equal([cat, dog], records.Single(r => r.Word == "sixteencharacter").Sources);
    }

    [Fact]
    public void Length_counts_code_points_as_python_does()
    {
        // 15 letters and an emoji (two UTF-16 units): 16 code points, so a record.
        var word = "abcdefghijklmno\U0001F600";
        Assert.Equal(16, WordRecords.Length(word));
        Assert.Single(WordRecords.Find([(new WordSource("a", "m"), [word, "abcdefghijklm\U0001F600"])]));
    }

    [Fact]
    public void A_folder_is_read_from_its_opinion_subfolders_and_skips_unfinished_ones()
    {
        WriteOpinion("cat", "cat.png", "ViT-B/16", "averyveryverylongword short");
        Directory.CreateDirectory(Path.Combine(folder, "noinfo"));
        File.WriteAllText(Path.Combine(folder, "noinfo", OpinionFiles.WordsFile), "anotherverylongword\n");
        Directory.CreateDirectory(Path.Combine(folder, ".cat.partial-0123"));
        File.WriteAllText(Path.Combine(folder, ".cat.partial-0123", OpinionFiles.WordsFile), "halfwrittenlongestwordever\n");

        var records = WordRecords.FromFolder(folder);

        Assert.Equal(["averyveryverylongword", "anotherverylongword"], records.Select(r => r.Word));
        Assert.Equal(new WordSource("cat.png", "ViT-B/16"), records[0].Sources.Single());
        Assert.Equal(new WordSource("noinfo", "unknown"), records[1].Sources.Single());
        Assert.Equal("averyveryverylongword\t21\tcat.png\tViT-B/16\nanotherverylongword\t19\tnoinfo\tunknown\n", WordRecords.ToText(records));
    }

    [Fact]
    public void A_missing_folder_is_refused_by_name()
    {
        var missing = Path.Combine(folder, "nope");
        var e = Assert.Throws<EngineInputException>(() => WordRecords.FromFolder(missing));
        Assert.Equal(missing, e.Subject);
    }

    private void WriteOpinion(string name, string image, string model, string words)
    {
        var checkIn = new CheckIn(0, [new CheckInSample([], words, words.Split(' '), -1f)], TokenTable.Empty);
        var result = new OpinionResult(TokenTable.Empty, words.Split(' '), checkIn, OpinionSettings.Default, 1, -1f);
        OpinionFiles.Write(Path.Combine(folder, name), result, OpinionInfo.From(result, image, model, null));
    }

    public void Dispose() => Directory.Delete(folder, recursive: true);
}
