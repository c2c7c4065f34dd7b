using ClipSurgeryWeb.Cli;
using ClipSurgeryWeb.Cli.Terminal;
using ClipSurgeryWeb.Engine.Checkpoints;
using ClipSurgeryWeb.Engine.Tests.Support;

namespace ClipSurgeryWeb.Engine.Tests.Cli;

/// <summary><c>--activation</c> and <c>--model DIR</c>: what the CLI says when a checkpoint's files do not tell its activation.</summary>
public sealed class ActivationOptionTests : IDisposable
{
    private readonly TempFolder work = new("activation-cli-");
    private readonly StringWriter stderr = new();

    public void Dispose() => work.Dispose();

    private Task<int> Explain(string model, params string[] extra) => CliApp.RunAsync(
        ["explain", Shared.Image("bwcat_cat.png"), "--model", model, "--labels", "cat,dog", "--modes", "cs", .. extra,
         "--vocab", Shared.Vocab, "--models-dir", work["models"], "--out", work["out"], "--device", "cpu"],
        new Reporter(stderr, color: false));

    /// <summary>The ViT fixture's OpenAI-named tensors as an OpenCLIP download without its open_clip_config.json.</summary>
    private string BareOpenClipFile()
    {
        var folder = Directory.CreateDirectory(work["download"]).FullName;
        var path = Path.Combine(folder, "open_clip_model.safetensors");
        var tensors = LayoutCopies.OpenAiTensors(TinyModels.VitPath);
        LayoutCopies.WriteSafetensors(path, tensors);
        LayoutCopies.DisposeAll(tensors);
        return path;
    }

    [Fact]
    public async Task An_OpenCLIP_file_without_config_is_refused_naming_the_activation_option_and_runs_once_it_is_given()
    {
        var path = BareOpenClipFile();
        Assert.Equal(2, await Explain(path));
        Assert.Contains(path, stderr.ToString());
        Assert.Contains("pass --activation gelu or --activation quick_gelu", stderr.ToString());
        Assert.False(Directory.Exists(Path.Combine(work["out"], "bwcat_cat")));

        Assert.Equal(0, await Explain(path, "--activation", "quick_gelu"));
        Assert.True(File.Exists(Path.Combine(work["out"], "bwcat_cat", "cs_cat.png")));
    }

    [Fact]
    public async Task An_activation_CLIP_does_not_use_is_refused_before_any_model_loads()
    {
        Assert.Equal(2, await Explain(TinyModels.VitPath, "--activation", "relu"));
        Assert.Contains("--activation relu", stderr.ToString());
        Assert.Contains("gelu or quick_gelu", stderr.ToString());
    }

    [Fact]
    public async Task A_Hugging_Face_folder_is_a_model()
    {
        var folder = Directory.CreateDirectory(work["clip-vit-tiny-hf"]).FullName;
        var openAi = LayoutCopies.OpenAiTensors(TinyModels.VitPath);
        var hf = LayoutCopies.ToHuggingFace(openAi);
        LayoutCopies.WriteSafetensors(Path.Combine(folder, "model.safetensors"), hf);
        using (var sd = StateDict.Load(TinyModels.VitPath))
            LayoutCopies.WriteHuggingFaceConfig(folder, ClipConfig.FromStateDict(sd), "quick_gelu");
        LayoutCopies.DisposeAll(openAi);
        LayoutCopies.DisposeAll(hf);

        Assert.Equal(0, await Explain(folder));
        Assert.True(File.Exists(Path.Combine(work["out"], "bwcat_cat", "cs_cat.png")));
    }
}
