using ClipSurgeryWeb.Engine.Checkpoints;
using ClipSurgeryWeb.Engine.Explaining;
using ClipSurgeryWeb.Engine.Methods;
using ClipSurgeryWeb.Engine.Hosting;
using ClipSurgeryWeb.Engine.Models;
using ClipSurgeryWeb.Engine.Tests.Support;
using ClipSurgeryWeb.Engine.Tokenization;
using TorchSharp;
using static TorchSharp.torch;

namespace ClipSurgeryWeb.Engine.Tests.Checkpoints;

/// <summary>
/// Hugging Face and OpenCLIP copies of the fixtures, built here from the key maps, against the OpenAI files: the same
/// features and maps; the activation from the config (and a GELU config really changes the features); refusals by name.
/// </summary>
public sealed class CheckpointLayoutTests : IDisposable
{
    private const int Height = 120, Width = 160;
    private static readonly string[] Labels = ["cat", "dog", "person", "bench", "sky"];

    private readonly TempFolder temp = new("layouts-");

    public void Dispose() => temp.Dispose();

    private static ClipConfig VitSizes()
    {
        using var sd = StateDict.Load(TinyModels.VitPath);
        return ClipConfig.FromStateDict(sd);
    }

    /// <summary>A folder holding the ViT fixture as transformers writes a CLIPModel: model.safetensors (or pytorch_model.bin) and config.json.</summary>
    private string HuggingFaceFolder(string name, string? hiddenAct, bool pickle = false, Action<Dictionary<string, Tensor>>? edit = null)
    {
        var folder = Directory.CreateDirectory(temp[name]).FullName;
        var openAi = LayoutCopies.OpenAiTensors(TinyModels.VitPath);
        var hf = LayoutCopies.ToHuggingFace(openAi);
        edit?.Invoke(hf);
        if (pickle)
            LayoutCopies.WritePickle(Path.Combine(folder, "pytorch_model.bin"), hf);
        else
            LayoutCopies.WriteSafetensors(Path.Combine(folder, "model.safetensors"), hf);
        LayoutCopies.WriteHuggingFaceConfig(folder, VitSizes(), hiddenAct);
        LayoutCopies.DisposeAll(openAi);
        LayoutCopies.DisposeAll(hf);
        return folder;
    }

    /// <summary>A fixture's OpenAI-named tensors as an OpenCLIP file, with an open_clip_config.json when <paramref name="quickGelu"/> is given.</summary>
    private string OpenClipFile(string checkpoint, string folderName, string fileName, bool? quickGelu, bool writeConfig = true,
        Action<Dictionary<string, Tensor>>? edit = null)
    {
        var folder = Directory.CreateDirectory(temp[folderName]).FullName;
        var tensors = LayoutCopies.OpenAiTensors(checkpoint);
        edit?.Invoke(tensors);
        var path = Path.Combine(folder, fileName);
        if (fileName.EndsWith(".safetensors", StringComparison.Ordinal))
            LayoutCopies.WriteSafetensors(path, tensors);
        else
            LayoutCopies.WritePickle(path, tensors);
        if (writeConfig)
            LayoutCopies.WriteOpenClipConfig(folder, quickGelu);
        LayoutCopies.DisposeAll(tensors);
        return path;
    }

    private static ClipModel Load(string path, Activation? activation = null)
    {
        using var sd = StateDict.Load(path, activation);
        return ClipModel.FromStateDict(sd);
    }

    /// <summary>Image (Surgery at 224 and 512, plain at 224) and text features of two models: max |a − b|.</summary>
    private static double FeatureDifference(ClipModel a, ClipModel b, bool vit = true)
    {
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        var prefix = vit ? "vit" : "rn";
        var inputs = vit ? new[] { "vit.r224.input", "vit.r512.input" } : ["rn.r224.input", "rn.r320.input"];
        double worst = 0;
        foreach (var key in inputs)
        {
            var input = vit ? Golden.Vit(key) : Golden.Rn(key);
            worst = Math.Max(worst, (a.Visual.EncodeSurgery(input) - b.Visual.EncodeSurgery(input)).abs().max().item<float>());
        }
        var native = vit ? Golden.Vit("vit.r224.input") : Golden.Rn("rn.r224.input");
        worst = Math.Max(worst, (a.Visual.EncodePlain(native) - b.Visual.EncodePlain(native)).abs().max().item<float>());
        var tokens = vit ? Golden.Vit($"{prefix}.text.tokens") : Golden.Rn($"{prefix}.text.tokens");
        worst = Math.Max(worst, (a.EncodeText(tokens) - b.EncodeText(tokens)).abs().max().item<float>());
        return worst;
    }

    [Fact]
    public void A_Hugging_Face_folder_gives_the_OpenAI_files_features_exactly()
    {
        var folder = HuggingFaceFolder("clip-vit-tiny", "quick_gelu");
        using var openAi = TinyModels.Vit();
        using var hf = Load(folder);
        Assert.Equal(Activation.QuickGelu, hf.Config.Activation);
        Assert.Equal((openAi.Config.Architecture, openAi.Config.EmbedDim, openAi.Config.VisionHeads, openAi.Config.TransformerHeads),
            (hf.Config.Architecture, hf.Config.EmbedDim, hf.Config.VisionHeads, hf.Config.TransformerHeads));
        Assert.Equal(0.0, FeatureDifference(openAi, hf));
    }

    [Fact]
    public void A_Hugging_Face_folder_gives_the_OpenAI_files_maps_and_points()
    {
        var folder = HuggingFaceFolder("hf-maps", "quick_gelu");
        var tokenizer = ClipTokenizer.FromFile(Shared.Vocab);
        using var openAi = ClipExplainer.Load(TinyModels.VitPath, tokenizer, new EngineOptions(DevicePreference.Cpu));
        using var hf = ClipExplainer.Load(folder, tokenizer, new EngineOptions(DevicePreference.Cpu));
        foreach (var r in new[] { 224, 512 })
        {
            var request = new ExplainRequest(Labels, ["bench", "person+bench"], r, [MapMethod.Surgery, MapMethod.Plain, MapMethod.Single]);
            var expected = openAi.Explain(res => Golden.Vit($"vit.r{res}.input").clone(), Height, Width, request);
            var actual = hf.Explain(res => Golden.Vit($"vit.r{res}.input").clone(), Height, Width, request);
            Assert.Equal(expected.Maps.Count, actual.Maps.Count);
            foreach (var (e, a) in expected.Maps.Zip(actual.Maps))
            {
                Assert.Equal((e.Method, e.Target, e.Resolution), (a.Method, a.Target, a.Resolution));
                var worst = e.Grid.Zip(a.Grid).Max(p => Math.Abs(p.First - p.Second));
                Assert.True(worst <= 1e-6, $"{e.Method} {e.Target} at {r}: max abs {worst:G3}");
                Assert.Equal(e.Points?.Points, a.Points?.Points);
                Assert.Equal(e.Points?.Labels, a.Points?.Labels);
            }
        }
    }

    [Fact]
    public void A_Hugging_Face_pytorch_model_bin_named_as_a_file_with_its_config_beside_loads_the_same()
    {
        var folder = HuggingFaceFolder("hf-bin", "quick_gelu", pickle: true);
        using var openAi = TinyModels.Vit();
        using var hf = Load(Path.Combine(folder, "pytorch_model.bin"));
        Assert.Equal(0.0, FeatureDifference(openAi, hf));
        var info = CheckpointFile.PeekClip(Path.Combine(folder, "pytorch_model.bin"));
        Assert.Equal((CheckpointLayout.HuggingFace, CheckpointFormat.StateDict, Activation.QuickGelu), (info.Layout, info.Format, info.Activation));
    }

    [Fact]
    public void OpenCLIP_copies_of_the_ViT_and_ResNet_fixtures_give_identical_features()
    {
        var vit = OpenClipFile(TinyModels.VitPath, "oc-vit", "open_clip_model.safetensors", quickGelu: true);
        var rn = OpenClipFile(TinyModels.ResNetPath, "oc-rn", "open_clip_pytorch_model.bin", quickGelu: true);
        using (var openAi = TinyModels.Vit())
        using (var oc = Load(Path.GetDirectoryName(vit)!))
            Assert.Equal(0.0, FeatureDifference(openAi, oc));
        using (var openAi = TinyModels.ResNet())
        using (var oc = Load(Path.GetDirectoryName(rn)!))
        {
            Assert.Equal(Activation.QuickGelu, oc.Config.Activation);
            Assert.Equal(0.0, FeatureDifference(openAi, oc, vit: false));
        }
        var info = CheckpointFile.PeekClip(Path.GetDirectoryName(rn)!);
        Assert.Equal((CheckpointLayout.OpenClip, Activation.QuickGelu), (info.Layout, info.Activation));
        Assert.Contains("quick_gelu", info.ActivationSource);
    }

    [Fact]
    public void A_GELU_config_gives_other_features_and_the_activation_follows_the_config()
    {
        using var quick = Load(HuggingFaceFolder("hf-quick", "quick_gelu"));
        using var hfGelu = Load(HuggingFaceFolder("hf-gelu", "gelu"));
        using var ocGelu = Load(OpenClipFile(TinyModels.VitPath, "oc-gelu", "open_clip_model.safetensors", quickGelu: null));   // OpenCLIP's default: GELU
        using var stated = Load(OpenClipFile(TinyModels.VitPath, "stated", "finetune.safetensors", null, writeConfig: false), Activation.Gelu);
        Assert.Equal(Activation.Gelu, hfGelu.Config.Activation);
        Assert.Equal(Activation.Gelu, ocGelu.Config.Activation);

        Assert.True(FeatureDifference(quick, hfGelu) > 1e-3, "GELU and QuickGELU gave the same features: the activation is not applied");
        // The same GELU model whichever way it was said, and it is exact GELU (erf), as transformers' and OpenCLIP's nn.GELU.
        Assert.Equal(0.0, FeatureDifference(hfGelu, ocGelu));
        Assert.Equal(0.0, FeatureDifference(hfGelu, stated));
        using var x = torch.linspace(-4, 4, 81);
        var blockMlp = hfGelu.named_modules().First(m => m.name.EndsWith("mlp.gelu", StringComparison.Ordinal)).module;
        using var y = ((nn.Module<Tensor, Tensor>)blockMlp).forward(x);
        using var exact = 0.5 * x * (1 + (x / Math.Sqrt(2)).erf());
        Assert.True((y - exact).abs().max().item<float>() < 1e-6);
    }

    [Fact]
    public void An_absent_hidden_act_is_transformers_default_quick_gelu()
    {
        using var openAi = TinyModels.Vit();
        using var hf = Load(HuggingFaceFolder("hf-default", hiddenAct: null));
        Assert.Equal(Activation.QuickGelu, hf.Config.Activation);
        Assert.Equal(0.0, FeatureDifference(openAi, hf));
    }

    [Fact]
    public void An_OpenCLIP_file_without_config_or_known_name_is_refused_until_the_activation_is_stated()
    {
        var path = OpenClipFile(TinyModels.VitPath, "downloads", "open_clip_pytorch_model.bin", null, writeConfig: false);
        var e = Assert.Throws<ActivationRequiredException>(() => Load(path));
        Assert.Equal(path, e.Subject);
        Assert.Contains("gelu or quick_gelu", e.Reason);
        Assert.Null(CheckpointFile.PeekClip(path).Activation);
        using var model = Load(path, Activation.QuickGelu);
        using var openAi = TinyModels.Vit();
        Assert.Equal(0.0, FeatureDifference(openAi, model));
    }

    [Theory]
    [InlineData("CLIP-ViT-B-32-laion2B-s34B-b79K", "open_clip_pytorch_model.bin", Activation.Gelu)]
    [InlineData("CLIP-ViT-B-16-DataComp.XL-s13B-b90K", "open_clip_model.safetensors", Activation.Gelu)]
    [InlineData("models", "ViT-B-32-quickgelu.safetensors", Activation.QuickGelu)]
    [InlineData("DFN2B-CLIP-ViT-B-16", "open_clip_pytorch_model.bin", Activation.QuickGelu)]
    public void A_known_OpenCLIP_name_decides_the_activation(string folder, string file, Activation expected)
    {
        var path = OpenClipFile(TinyModels.VitPath, folder, file, null, writeConfig: false);
        var info = CheckpointFile.PeekClip(path);
        Assert.Equal(expected, info.Activation);
        Assert.Contains("the name", info.ActivationSource);
        using var model = Load(path);
        Assert.Equal(expected, model.Config.Activation);
    }

    [Fact]
    public void The_OpenAI_archive_says_QuickGELU_by_its_module_classes()
    {
        var info = CheckpointFile.PeekClip(TinyModels.VitPath);
        Assert.Equal((CheckpointLayout.OpenAi, CheckpointFormat.TorchScript, Activation.QuickGelu), (info.Layout, info.Format, info.Activation));
        Assert.Contains("QuickGELU", info.ActivationSource);
        var refused = Assert.Throws<EngineInputException>(() => StateDict.Load(TinyModels.VitPath, Activation.Gelu));
        Assert.Contains("but gelu was asked for", refused.Reason);
    }

    [Fact]
    public void An_unknown_hidden_act_is_refused_by_name()
    {
        var folder = HuggingFaceFolder("hf-gelu-new", "gelu_new");
        var e = Assert.Throws<EngineInputException>(() => StateDict.Load(folder));
        Assert.Contains("hidden_act is 'gelu_new'", e.Reason);
        Assert.Contains("only gelu and quick_gelu", e.Reason);
    }

    [Fact]
    public void A_stated_activation_that_contradicts_the_config_is_refused()
    {
        var folder = HuggingFaceFolder("hf-contradicted", "quick_gelu");
        var e = Assert.Throws<EngineInputException>(() => StateDict.Load(folder, Activation.Gelu));
        Assert.Contains("config.json says hidden_act quick_gelu, but gelu was asked for", e.Reason);
    }

    [Fact]
    public void A_SigLIP_logit_bias_is_refused_by_name()
    {
        var path = OpenClipFile(TinyModels.VitPath, "siglip", "open_clip_model.safetensors", quickGelu: false,
            edit: t => t["logit_bias"] = torch.tensor(-10f));
        var e = Assert.Throws<EngineInputException>(() => StateDict.Load(path));
        Assert.Contains("logit_bias", e.Reason);
        Assert.Contains("SigLIP", e.Reason);
        Assert.Throws<EngineInputException>(() => CheckpointFile.PeekClip(path));
    }

    [Fact]
    public void OpenCLIPs_attn_mask_buffer_and_a_DDP_module_prefix_are_handled()
    {
        var path = OpenClipFile(TinyModels.VitPath, "ddp", "open_clip_pytorch_model.bin", quickGelu: true, edit: t =>
        {
            t["attn_mask"] = torch.full([77L, 77L], float.NegativeInfinity).triu_(1);   // [L, L], as OpenCLIP's build_attention_mask
            foreach (var key in t.Keys.ToList())
            {
                t["module." + key] = t[key];
                t.Remove(key);
            }
        });
        using var openAi = TinyModels.Vit();
        using var model = Load(path);
        Assert.Equal(0.0, FeatureDifference(openAi, model));
    }

    [Fact]
    public void A_custom_text_tower_is_refused_by_name()
    {
        var path = OpenClipFile(TinyModels.VitPath, "custom-text", "open_clip_model.safetensors", quickGelu: false,
            edit: t => t["text.transformer.embeddings.word_embeddings.weight"] = torch.zeros(4, 4));
        var e = Assert.Throws<EngineInputException>(() => StateDict.Load(path));
        Assert.Contains("custom text tower", e.Reason);
        Assert.Contains("text.transformer.embeddings.word_embeddings.weight", e.Reason);
    }

    [Fact]
    public void Missing_or_unknown_Hugging_Face_keys_are_refused_by_name()
    {
        var noQ = HuggingFaceFolder("hf-no-q", "quick_gelu", edit: t =>
        {
            t.Remove("vision_model.encoder.layers.3.self_attn.q_proj.weight", out var q);
            q!.Dispose();
        });
        var e = Assert.Throws<EngineInputException>(() => StateDict.Load(noQ));
        Assert.Contains("visual.transformer.resblocks.3.attn.in_proj_weight", e.Reason);
        Assert.Contains("lacks its q_proj", e.Reason);

        var noPost = HuggingFaceFolder("hf-no-post", "quick_gelu", edit: t =>
        {
            t.Remove("vision_model.post_layernorm.weight", out var w);
            w!.Dispose();
        });
        using (var sd = StateDict.Load(noPost))
        {
            var missing = Assert.Throws<EngineInputException>(() => ClipModel.FromStateDict(sd));
            Assert.Contains("missing visual.ln_post.weight", missing.Reason);
        }

        var extra = HuggingFaceFolder("hf-extra", "quick_gelu", edit: t => t["vision_model.head.weight"] = torch.zeros(2));
        var unexpected = Assert.Throws<EngineInputException>(() => StateDict.Load(extra));
        Assert.Contains("unexpected tensor 'vision_model.head.weight'", unexpected.Reason);
    }

    [Fact]
    public void Hugging_Face_weights_without_their_config_or_of_another_model_type_are_refused()
    {
        var folder = HuggingFaceFolder("hf-no-config", "quick_gelu");
        File.Delete(Path.Combine(folder, "config.json"));
        var e = Assert.Throws<EngineInputException>(() => StateDict.Load(folder));
        Assert.Contains("need their config.json", e.Reason);

        var siglip = HuggingFaceFolder("hf-siglip", "gelu");
        LayoutCopies.WriteHuggingFaceConfig(siglip, VitSizes(), "gelu", modelType: "siglip");
        var other = Assert.Throws<EngineInputException>(() => StateDict.Load(siglip));
        Assert.Contains("model_type 'siglip'", other.Reason);
    }

    [Fact]
    public void An_OpenCLIP_config_with_options_the_weights_do_not_show_is_refused_by_name()
    {
        var path = OpenClipFile(TinyModels.VitPath, "oc-options", "open_clip_model.safetensors", quickGelu: false);
        LayoutCopies.WriteOpenClipConfig(Path.GetDirectoryName(path)!, false, new() { ["pool_type"] = "avg", ["final_ln_after_pool"] = true });
        var e = Assert.Throws<EngineInputException>(() => StateDict.Load(path));
        Assert.Contains("vision_cfg.final_ln_after_pool", e.Reason);
        Assert.Contains("vision_cfg.pool_type 'avg'", e.Reason);
    }
}
