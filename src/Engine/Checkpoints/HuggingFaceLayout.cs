using System.Text.RegularExpressions;
using TorchSharp;
using static TorchSharp.torch;

namespace ClipSurgeryWeb.Engine.Checkpoints;

/// <summary>
/// Hugging Face <c>transformers</c> <c>CLIPModel</c> tensors renamed to OpenAI's <c>clip/model.py</c> layout, which the
/// engine's modules carry: separate <c>q/k/v_proj</c> become <c>nn.MultiheadAttention</c>'s packed <c>in_proj</c>
/// (rows q, then k, then v), and the projections, <c>nn.Linear</c> without bias there, become OpenAI's matrices
/// (<c>proj = weightᵀ</c>). The map (HF's <c>modeling_clip.py</c> → OpenAI's):
/// <code>
/// vision_model.embeddings.patch_embedding.weight    → visual.conv1.weight
/// vision_model.embeddings.class_embedding           → visual.class_embedding
/// vision_model.embeddings.position_embedding.weight → visual.positional_embedding
/// vision_model.pre_layrnorm.*  (HF's spelling)      → visual.ln_pre.*
/// vision_model.encoder.layers.N.*                   → visual.transformer.resblocks.N.*
/// vision_model.post_layernorm.*                     → visual.ln_post.*
/// visual_projection.weight [D, W]                   → visual.proj [W, D] (transposed)
/// text_model.embeddings.token_embedding.weight      → token_embedding.weight
/// text_model.embeddings.position_embedding.weight   → positional_embedding
/// text_model.encoder.layers.N.*                     → transformer.resblocks.N.*
/// text_model.final_layer_norm.*                     → ln_final.*
/// text_projection.weight [D, W]                     → text_projection [W, D] (transposed)
/// logit_scale                                       → logit_scale
/// in a layer: self_attn.{q,k,v}_proj.{weight,bias} → attn.in_proj_{weight,bias} (concatenated q, k, v)
///             self_attn.out_proj.* → attn.out_proj.*, layer_norm1/2.* → ln_1/2.*, mlp.fc1/fc2.* → mlp.c_fc/c_proj.*
/// *.position_ids (a buffer of 0…L-1)                → dropped
/// </code>
/// Any other key is refused by name.
/// </summary>
internal static partial class HuggingFaceLayout
{
    private static readonly Dictionary<string, string> Fixed = new(StringComparer.Ordinal)
    {
        ["vision_model.embeddings.patch_embedding.weight"] = "visual.conv1.weight",
        ["vision_model.embeddings.class_embedding"] = "visual.class_embedding",
        ["vision_model.embeddings.position_embedding.weight"] = "visual.positional_embedding",
        ["vision_model.pre_layrnorm.weight"] = "visual.ln_pre.weight",
        ["vision_model.pre_layrnorm.bias"] = "visual.ln_pre.bias",
        ["vision_model.post_layernorm.weight"] = "visual.ln_post.weight",
        ["vision_model.post_layernorm.bias"] = "visual.ln_post.bias",
        ["text_model.embeddings.token_embedding.weight"] = "token_embedding.weight",
        ["text_model.embeddings.position_embedding.weight"] = "positional_embedding",
        ["text_model.final_layer_norm.weight"] = "ln_final.weight",
        ["text_model.final_layer_norm.bias"] = "ln_final.bias",
        ["logit_scale"] = "logit_scale",
    };

    private static readonly Dictionary<string, string> Transposed = new(StringComparer.Ordinal)
    {
        ["visual_projection.weight"] = "visual.proj",
        ["text_projection.weight"] = "text_projection",
    };

    private static readonly Dictionary<string, string> InLayer = new(StringComparer.Ordinal)
    {
        ["self_attn.out_proj.weight"] = "attn.out_proj.weight",
        ["self_attn.out_proj.bias"] = "attn.out_proj.bias",
        ["layer_norm1.weight"] = "ln_1.weight",
        ["layer_norm1.bias"] = "ln_1.bias",
        ["layer_norm2.weight"] = "ln_2.weight",
        ["layer_norm2.bias"] = "ln_2.bias",
        ["mlp.fc1.weight"] = "mlp.c_fc.weight",
        ["mlp.fc1.bias"] = "mlp.c_fc.bias",
        ["mlp.fc2.weight"] = "mlp.c_proj.weight",
        ["mlp.fc2.bias"] = "mlp.c_proj.bias",
    };

    /// <summary>
    /// Returns the tensors under OpenAI names. Takes ownership of <paramref name="hf"/>: its tensors are moved over or
    /// disposed, on success and on failure alike.
    /// </summary>
    public static Dictionary<string, Tensor> ToOpenAi(string path, Dictionary<string, Tensor> hf)
    {
        var result = new Dictionary<string, Tensor>(hf.Count);
        var qkv = new Dictionary<string, Tensor?[]>(StringComparer.Ordinal);   // "<block prefix>.attn.in_proj_weight" -> [q, k, v]
        try
        {
            foreach (var (key, tensor) in hf)
            {
                if (key.EndsWith(".position_ids", StringComparison.Ordinal))
                    continue;
                if (Fixed.TryGetValue(key, out var name))
                {
                    result[name] = tensor;
                    continue;
                }
                if (Transposed.TryGetValue(key, out name))
                {
                    result[name] = tensor.t().contiguous();   // Linear weight [D, W] -> OpenAI's proj [W, D]
                    continue;
                }
                var layer = Layer().Match(key);
                if (!layer.Success)
                    throw new EngineInputException(path, $"unexpected tensor '{key}' for a Hugging Face CLIPModel");
                var block = (layer.Groups[1].Value == "vision" ? "visual.transformer" : "transformer") + $".resblocks.{layer.Groups[2].Value}.";
                var rest = layer.Groups[3].Value;
                if (InLayer.TryGetValue(rest, out var inner))
                {
                    result[block + inner] = tensor;
                    continue;
                }
                var proj = Projection().Match(rest);
                if (!proj.Success)
                    throw new EngineInputException(path, $"unexpected tensor '{key}' for a Hugging Face CLIPModel");
                var slot = proj.Groups[1].Value switch { "q" => 0, "k" => 1, _ => 2 };
                var target = block + "attn.in_proj_" + proj.Groups[2].Value;
                if (!qkv.TryGetValue(target, out var parts))
                    qkv[target] = parts = new Tensor?[3];
                parts[slot] = tensor;
            }
            foreach (var (target, parts) in qkv)
            {
                if (parts.Any(p => p is null))
                {
                    var which = string.Join(", ", new[] { "q", "k", "v" }.Where((_, i) => parts[i] is null));
                    throw new EngineInputException(path, $"the Hugging Face attention behind '{target}' lacks its {which}_proj");
                }
                result[target] = torch.cat([parts[0]!, parts[1]!, parts[2]!], 0);   // 3 × [W, W] -> [3W, W] (or 3 × [W] -> [3W])
            }
            var moved = new HashSet<Tensor>(result.Values, ReferenceEqualityComparer.Instance);
            foreach (var t in hf.Values)
                if (!moved.Contains(t))
                    t.Dispose();
            return result;
        }
        catch
        {
            var owned = new HashSet<Tensor>(hf.Values, ReferenceEqualityComparer.Instance);
            foreach (var t in result.Values)
                if (!owned.Contains(t))
                    t.Dispose();
            foreach (var t in hf.Values)
                t.Dispose();
            throw;
        }
    }

    [GeneratedRegex(@"^(vision|text)_model\.encoder\.layers\.(\d+)\.(.+)$")]
    private static partial Regex Layer();

    [GeneratedRegex(@"^self_attn\.([qkv])_proj\.(weight|bias)$")]
    private static partial Regex Projection();
}
