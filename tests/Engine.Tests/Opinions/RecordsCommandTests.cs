using System.Text.Json;
using ClipSurgeryWeb.Cli.Commands;
using ClipSurgeryWeb.Engine.Opinions;
using ClipSurgeryWeb.Engine.Tests.Support;

namespace ClipSurgeryWeb.Engine.Tests.Opinions;

/// <summary><c>clipsurgery records</c> in-process on hand-made opinion folders.</summary>
public sealed class RecordsCommandTests : IDisposable
{
    private readonly TempFolder temp = new("records-cli-");

    public RecordsCommandTests()
    {
        Write("cat", "cat.png", "ViT-B/16", "superlongcatwordindeed tiny anotherlongwordhere");
        Write("dog", "dog.png", "RN50", "superlongcatwordindeed dogdogdogdogdogdogdog");
    }

    [Fact]
    public async Task The_leaderboard_is_a_table_longest_first()
    {
        var run = await CliRun.RunAsync(["records", temp.Path]);

        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        var lines = run.Output.Split('\n');
        var rows = new[] { "dogdogdogdogdogdogdog", "superlongcatwordindeed", "anotherlongwordhere" }
            .Select(w => Array.FindIndex(lines, l => l.Contains(w))).ToArray();
        Assert.All(rows, r => Assert.True(r >= 0));
        Assert.True(rows[1] < rows[0] && rows[0] < rows[2], string.Join("\n", lines));
        Assert.Contains("cat.png, dog.png", lines[rows[1]]);
        Assert.Contains("ViT-B/16, RN50", lines[rows[1]]);
    }

    [Fact]
    public async Task Json_lists_each_record_with_its_sources()
    {
        var run = await CliRun.RunAsync(["records", temp.Path, "--json"]);

        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        using var json = JsonDocument.Parse(run.Output);
        var records = json.RootElement.EnumerateArray().ToArray();
        Assert.Equal(["superlongcatwordindeed", "dogdogdogdogdogdogdog", "anotherlongwordhere"], records.Select(r => r.GetProperty("word").GetString()));
        Assert.Equal([22, 21, 19], records.Select(r => r.GetProperty("length").GetInt32()));
        Assert.Equal(["cat.png", "dog.png"], records[0].GetProperty("sources").EnumerateArray().Select(s => s.GetProperty("image").GetString()));
    }

    [Fact]
    public async Task A_missing_folder_is_an_error_naming_it()
    {
        var missing = temp["nope"];
        var run = await CliRun.RunAsync(["records", missing]);

        Assert.Equal(ExitCodes.Unusable, run.ExitCode);
        Assert.Contains($"error: {missing}: no such folder", run.Errors);
    }

    private void Write(string name, string image, string model, string words)
    {
        var checkIn = new CheckIn(0, [new CheckInSample([], words, words.Split(' '), -1f)], TokenTable.Empty);
        var result = new OpinionResult(TokenTable.Empty, words.Split(' '), checkIn, OpinionSettings.Default, 1, -1f);
        OpinionFiles.Write(Path.Combine(temp.Path, name), result, OpinionInfo.From(result, image, model, null));
    }

    public void Dispose() => temp.Dispose();
}
