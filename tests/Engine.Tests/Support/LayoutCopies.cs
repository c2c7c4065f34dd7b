using System.IO.Compression;
using System.Text.Json;
using System.Text.RegularExpressions;
using ClipSurgeryWeb.Engine.Checkpoints;
using TorchSharp;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace ClipSurgeryWeb.Engine.Tests.Support;

/// <summary>
/// Hugging Face and OpenCLIP copies of the fixture models, made in the test from the documented key maps
/// (transformers' <c>modeling_clip.py</c> <c>CLIPModel</c> names, OpenCLIP's OpenAI names), written the other way round
/// from the engine's reader so a mistake in one is not repeated in the other.
/// </summary>
public static partial class LayoutCopies
{
    /// <summary>OpenAI's tensors of a fixture (the ResNet fixture's QuickGELU stated: a torch.save state dict does not say).</summary>
    public static Dictionary<string, Tensor> OpenAiTensors(string checkpoint)
    {
        using var sd = StateDict.Load(checkpoint, Activation.QuickGelu);
        return sd.Tensors.ToDictionary(kv => kv.Key, kv => kv.Value.clone());
    }

    /// <summary>OpenAI names → Hugging Face <c>CLIPModel</c> names (ViT only: transformers' CLIP has no ResNet).</summary>
    public static Dictionary<string, Tensor> ToHuggingFace(IReadOnlyDictionary<string, Tensor> openAi)
    {
        var hf = new Dictionary<string, Tensor>();
        foreach (var (key, t) in openAi)
        {
            switch (key)
            {
                case "visual.conv1.weight": hf["vision_model.embeddings.patch_embedding.weight"] = t.clone(); break;
                case "visual.class_embedding": hf["vision_model.embeddings.class_embedding"] = t.clone(); break;
                case "visual.positional_embedding": hf["vision_model.embeddings.position_embedding.weight"] = t.clone(); break;
                case "visual.ln_pre.weight": hf["vision_model.pre_layrnorm.weight"] = t.clone(); break;
                case "visual.ln_pre.bias": hf["vision_model.pre_layrnorm.bias"] = t.clone(); break;
                case "visual.ln_post.weight": hf["vision_model.post_layernorm.weight"] = t.clone(); break;
                case "visual.ln_post.bias": hf["vision_model.post_layernorm.bias"] = t.clone(); break;
                case "visual.proj": hf["visual_projection.weight"] = t.t().contiguous(); break;             // [W, D] -> Linear [D, W]
                case "token_embedding.weight": hf["text_model.embeddings.token_embedding.weight"] = t.clone(); break;
                case "positional_embedding": hf["text_model.embeddings.position_embedding.weight"] = t.clone(); break;
                case "ln_final.weight": hf["text_model.final_layer_norm.weight"] = t.clone(); break;
                case "ln_final.bias": hf["text_model.final_layer_norm.bias"] = t.clone(); break;
                case "text_projection": hf["text_projection.weight"] = t.t().contiguous(); break;           // [W, D] -> Linear [D, W]
                case "logit_scale": hf["logit_scale"] = t.clone(); break;
                default: Block(key, t, hf); break;
            }
        }
        // The buffers transformers saved (persistent in older versions): 0…L-1 per tower.
        hf["text_model.embeddings.position_ids"] = torch.arange(openAi["positional_embedding"].shape[0]).unsqueeze(0);            // [1, 77]
        hf["vision_model.embeddings.position_ids"] = torch.arange(openAi["visual.positional_embedding"].shape[0]).unsqueeze(0);   // [1, 1+N]
        return hf;
    }

    private static void Block(string key, Tensor t, Dictionary<string, Tensor> hf)
    {
        var m = BlockKey().Match(key);
        Assert.True(m.Success, $"no Hugging Face name for '{key}'");
        var prefix = (m.Groups[1].Value == "visual." ? "vision_model" : "text_model") + $".encoder.layers.{m.Groups[2].Value}.";
        var rest = m.Groups[3].Value;
        if (rest is "attn.in_proj_weight" or "attn.in_proj_bias")
        {
            var kind = rest.EndsWith("weight", StringComparison.Ordinal) ? "weight" : "bias";
            var parts = t.chunk(3, 0);   // [3W, W] -> 3 × [W, W] (rows q, k, v), or [3W] -> 3 × [W]
            hf[prefix + $"self_attn.q_proj.{kind}"] = parts[0].clone();
            hf[prefix + $"self_attn.k_proj.{kind}"] = parts[1].clone();
            hf[prefix + $"self_attn.v_proj.{kind}"] = parts[2].clone();
            foreach (var p in parts)
                p.Dispose();
            return;
        }
        var name = rest
            .Replace("attn.out_proj.", "self_attn.out_proj.", StringComparison.Ordinal)
            .Replace("ln_1.", "layer_norm1.", StringComparison.Ordinal)
            .Replace("ln_2.", "layer_norm2.", StringComparison.Ordinal)
            .Replace("mlp.c_fc.", "mlp.fc1.", StringComparison.Ordinal)
            .Replace("mlp.c_proj.", "mlp.fc2.", StringComparison.Ordinal);
        hf[prefix + name] = t.clone();
    }

    /// <summary>A <c>config.json</c> as transformers' <c>CLIPConfig.save_pretrained</c> writes it (sizes as the fixture's).</summary>
    public static void WriteHuggingFaceConfig(string folder, ClipConfig sizes, string? hiddenAct, string? textHiddenAct = null, string modelType = "clip")
    {
        var vision = new Dictionary<string, object>
        {
            ["hidden_size"] = sizes.VisionWidth, ["intermediate_size"] = sizes.VisionWidth * 4, ["num_attention_heads"] = sizes.VisionHeads,
            ["num_hidden_layers"] = sizes.VisionLayers[0], ["patch_size"] = sizes.VisionPatchSize!.Value, ["image_size"] = sizes.ImageResolution,
            ["layer_norm_eps"] = 1e-5,
        };
        var text = new Dictionary<string, object>
        {
            ["hidden_size"] = sizes.TransformerWidth, ["intermediate_size"] = sizes.TransformerWidth * 4, ["num_attention_heads"] = sizes.TransformerHeads,
            ["num_hidden_layers"] = sizes.TransformerLayers, ["max_position_embeddings"] = sizes.ContextLength, ["vocab_size"] = sizes.VocabSize,
        };
        if (hiddenAct is not null)
            vision["hidden_act"] = hiddenAct;
        if ((textHiddenAct ?? hiddenAct) is { } t)
            text["hidden_act"] = t;
        var config = new Dictionary<string, object>
        {
            ["architectures"] = new[] { "CLIPModel" }, ["model_type"] = modelType, ["projection_dim"] = sizes.EmbedDim,
            ["logit_scale_init_value"] = 2.6592, ["text_config"] = text, ["vision_config"] = vision,
        };
        File.WriteAllText(Path.Combine(folder, ClipCheckpoint.HuggingFaceConfig), JsonSerializer.Serialize(config));
    }

    /// <summary>An <c>open_clip_config.json</c> as on the hub (<c>model_cfg</c>, <c>preprocess_cfg</c>); quick_gelu left out when null.</summary>
    public static void WriteOpenClipConfig(string folder, bool? quickGelu, Dictionary<string, object>? visionCfg = null)
    {
        var model = new Dictionary<string, object> { ["embed_dim"] = 64 };
        if (quickGelu is { } q)
            model["quick_gelu"] = q;
        if (visionCfg is not null)
            model["vision_cfg"] = visionCfg;
        var config = new Dictionary<string, object>
        {
            ["model_cfg"] = model,
            ["preprocess_cfg"] = new Dictionary<string, object> { ["mean"] = new[] { 0.48145466, 0.4578275, 0.40821073 } },
        };
        File.WriteAllText(Path.Combine(folder, ClipCheckpoint.OpenClipConfig), JsonSerializer.Serialize(config));
    }

    public static void WriteSafetensors(string path, IReadOnlyDictionary<string, Tensor> tensors) =>
        Safetensors.SaveStateDict(path, tensors.ToDictionary());

    /// <summary>
    /// A <c>torch.save</c> zip (PyTorch's format for <c>pytorch_model.bin</c>) written by TorchSharp.PyBridge's pickler,
    /// then re-packed with every entry stored as PyTorch writes them (PyBridge deflates them; the engine refuses a
    /// storage that claims more bytes than the archive holds).
    /// </summary>
    public static void WritePickle(string path, IReadOnlyDictionary<string, Tensor> tensors)
    {
        var deflated = path + ".deflated";
        PyTorchPickler.PickleStateDict(deflated, tensors.ToDictionary());
        using (var source = ZipFile.OpenRead(deflated))
        using (var target = ZipFile.Open(path, ZipArchiveMode.Create))
        {
            foreach (var entry in source.Entries)
            {
                using var from = entry.Open();
                using var to = target.CreateEntry(entry.FullName, CompressionLevel.NoCompression).Open();
                from.CopyTo(to);
            }
        }
        File.Delete(deflated);
    }

    public static void DisposeAll(IReadOnlyDictionary<string, Tensor> tensors)
    {
        foreach (var t in tensors.Values)
            t.Dispose();
    }

    [GeneratedRegex(@"^(visual\.)?transformer\.resblocks\.(\d+)\.(.+)$")]
    private static partial Regex BlockKey();
}
