using ClipSurgeryWeb.Engine.Opinions;

namespace ClipSurgeryWeb.Engine.Tests.Opinions;

public sealed class TokenTableTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("tokentable-").FullName;

    private static CheckInSample Sample(string words, float loss = -20f) =>
        new([], words, words.Split(' ', StringSplitOptions.RemoveEmptyEntries), loss);

    [Fact]
    public void A_check_in_counts_every_sample_twice_but_the_last_once_as_the_reference_file_holds_them()
    {
        var table = TokenTable.FromCheckIn([Sample("cat bench"), Sample("bench sky cat"), Sample("sky dog")]);

        Assert.Equal(
            [new TokenCount("cat", 4), new TokenCount("bench", 4), new TokenCount("sky", 3), new TokenCount("dog", 1)],
            table.Rows);
        Assert.Equal(["cat", "bench", "sky"], table.Targets());
        Assert.Equal(["cat", "bench", "sky", "dog"], table.Tokens);
    }

    [Fact]
    public void A_word_repeated_within_one_sample_counts_each_time()
    {
        var table = TokenTable.FromCheckIn([Sample("cat cat"), Sample("cat")]);

        Assert.Equal(5, table.FrequencyOf("cat"));
    }

    [Fact]
    public void A_sample_whose_loss_is_not_a_number_is_counted_once_as_in_the_reference()
    {
        var table = TokenTable.FromCheckIn([Sample("cat", float.NaN), Sample("dog")]);

        Assert.Equal(1, table.FrequencyOf("cat"));
    }

    [Fact]
    public void The_csv_has_the_reference_columns_and_reads_back()
    {
        var table = new TokenTable([new TokenCount("cat", 4), new TokenCount("ह\uFFFD", 1)]);
        var path = Path.Combine(folder, "tokens.csv");

        table.WriteCsv(path);

        Assert.Equal("Token,Frequency\ncat,4\nह\uFFFD,1\n", File.ReadAllText(path));
        Assert.Equal(table.Rows, TokenTable.ReadCsv(path).Rows);
    }

    [Fact]
    public void A_file_that_is_not_a_token_table_is_refused_by_name()
    {
        var path = Path.Combine(folder, "other.csv");
        File.WriteAllText(path, "a,b\n1,2\n");

        var e = Assert.Throws<EngineInputException>(() => TokenTable.ReadCsv(path));

        Assert.Equal(path, e.Subject);
        Assert.Contains("Token,Frequency", e.Reason);
    }

    public void Dispose() => Directory.Delete(folder, recursive: true);
}
