using ClipSurgeryWeb.Cli.Commands;
using ClipSurgeryWeb.Engine.Checkpoints;
using ClipSurgeryWeb.Engine.Tests.Support;

namespace ClipSurgeryWeb.Engine.Tests.Cli;

/// <summary>The CLI restates the engine's refusals with its own flags: the option that was wrong, the flag that helps.</summary>
public sealed class CliMessagesTests : IDisposable
{
    private readonly TempFolder temp = new("cli-messages-");

    private string[] Explain(params string[] extra) =>
        ["explain", Shared.Image("bwcat_cat.png"), "--model", TinyModels.VitPath, "--labels", "cat", "--models-dir", temp["models"], "--out", temp["out"], .. extra];

    [Theory]
    [InlineData("--modes", "heat", "error: --modes: 'heat' is not one of cs, plain, single")]
    [InlineData("--device", "tpu", "error: --device tpu: 'tpu' is not one of auto, cpu, cuda")]
    public async Task A_bad_option_is_named_by_its_flag(string flag, string value, string line)
    {
        var result = await CliRun.RunAsync(Explain("--vocab", Shared.Vocab, flag, value));

        Assert.Equal(ExitCodes.Unusable, result.ExitCode);
        Assert.Contains(line, result.Errors);
    }

    [Fact]
    public async Task A_replaced_vocabulary_points_to_vocab_not_to_accept_finetune()
    {
        Directory.CreateDirectory(temp["models"]);
        File.WriteAllText(Path.Combine(temp["models"], ModelCatalog.Vocabulary.FileName), "not the vocabulary");

        var result = await CliRun.RunAsync(Explain("--device", "cpu"));

        Assert.Equal(ExitCodes.Unusable, result.ExitCode);
        Assert.Contains("is not the official bpe_simple_vocab_16e6 checksum", result.Errors);
        Assert.Contains("--vocab", result.Errors);
        Assert.DoesNotContain("--accept-finetune", result.Errors);
    }

    public void Dispose() => temp.Dispose();
}
