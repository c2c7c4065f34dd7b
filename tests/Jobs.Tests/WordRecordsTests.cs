using ClipSurgeryWeb.Data;
using ClipSurgeryWeb.Jobs.Records;

namespace ClipSurgeryWeb.Jobs.Tests;

public sealed class WordRecordsTests
{
    private static OpinionWord Word(string word, int minute, string who = "ann") => new()
    {
        Word = word,
        Length = word.Length,
        ModelName = "m",
        OwnerId = who,
        OwnerName = who,
        FoundAt = new DateTime(2026, 1, 1, 0, minute, 0, DateTimeKind.Utc),
    };

    [Fact]
    public void Records_are_words_over_fifteen_characters_unique_longest_first_ties_alphabetical()
    {
        var ranked = WordRecordBoard.Rank(
        [
            Word("fifteencharsxxx", 0),        // exactly 15: not a record
            Word("zzzzzzzzzzzzzzzz", 1),       // 16
            Word("aaaaaaaaaaaaaaaa", 2),       // 16, alphabetically first
            Word("incomprehensibilities", 3),  // 21
            Word("aaaaaaaaaaaaaaaa", 4, "bob"), // repeat: keeps the first finder
        ]);

        Assert.Equal(["incomprehensibilities", "aaaaaaaaaaaaaaaa", "zzzzzzzzzzzzzzzz"], ranked.Select(r => r.Word));
        Assert.Equal("ann", ranked[1].OwnerName);
        Assert.Equal(21, ranked[0].Length);
    }
}
