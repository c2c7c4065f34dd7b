using ClipSurgeryWeb.Cli;
using ClipSurgeryWeb.Cli.Commands;
using ClipSurgeryWeb.Cli.Terminal;
using ClipSurgeryWeb.Engine.Tests.Support;

namespace ClipSurgeryWeb.Engine.Tests.Cli;

/// <summary><c>--precision</c> on the engine commands: read before any model loads, and the run computes in it.</summary>
public sealed class PrecisionOptionTests : IDisposable
{
    private readonly TempFolder temp = new("cli-precision-");
    private readonly StringWriter stderr = new();

    private string[] EngineArgs(string precision) =>
        ["--model", TinyModels.VitPath, "--vocab", Shared.Vocab, "--models-dir", temp["models"], "--out", temp["out"], "--device", "cpu", "--precision", precision];

    [Theory]
    [InlineData("explain")]
    [InlineData("opinions")]
    [InlineData("runall")]
    public async Task An_unknown_precision_is_refused_by_its_flag_before_any_work(string command)
    {
        string[] args = command switch
        {
            "explain" => ["explain", Shared.Image("bwcat_cat.png"), "--labels", "cat", .. EngineArgs("fp64")],
            "opinions" => ["opinions", Shared.Image("bwcat_cat.png"), .. EngineArgs("fp64")],
            _ => ["runall", Shared.Reference("images"), .. EngineArgs("fp64")],
        };
        var code = await CliApp.RunAsync(args, new Reporter(stderr, color: false));

        Assert.Equal(ExitCodes.Unusable, code);
        Assert.Contains("error: --precision fp64: 'fp64' is not one of auto, fp32, fp16, bf16", stderr.ToString());
        Assert.False(Directory.Exists(Path.Combine(temp["out"], "bwcat_cat")));
    }

    [Fact]
    public async Task Explain_in_fp16_writes_its_maps_and_caches_its_text_apart_from_fp32()
    {
        var code = await CliApp.RunAsync(["explain", Shared.Image("bwcat_cat.png"), "--labels", "cat,dog", .. EngineArgs("fp16")], new Reporter(stderr, color: false));

        Assert.True(code == 0, stderr.ToString());
        Assert.Equal(["cs_cat.png", "cs_dog.png", "scores.json"], Directory.GetFiles(Path.Combine(temp["out"], "bwcat_cat")).Select(f => Path.GetFileName(f)!).Order());
        var cache = Path.Combine(temp["models"], "text-cache");
        var files = Directory.GetFiles(cache, "*.f32", SearchOption.AllDirectories);
        Assert.Equal(2, files.Length);
        Assert.All(files, f => Assert.Equal("fp16", Path.GetFileName(Path.GetDirectoryName(f))));
    }

    public void Dispose() => temp.Dispose();
}
