using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace ClipSurgeryWeb.Engine.Checkpoints;

/// <summary>
/// Finds a CLIP checkpoint's weights (a file, or a Hugging Face / OpenCLIP folder) and decides its layout and activation
/// from the files alone — never by guessing. The activation comes, in this order, from:
/// Hugging Face <c>config.json</c> (<c>hidden_act</c>); the module classes recorded in a TorchScript archive
/// (<c>QuickGELU</c> / <c>GELU</c>); <c>open_clip_config.json</c> beside the file (<c>model_cfg.quick_gelu</c>); an
/// official OpenAI SHA-256 (QuickGELU); the activation the caller states; the OpenCLIP name table below. When none
/// tells, loading is refused with <see cref="ActivationRequiredException"/>. A stated activation that contradicts
/// what the files say is refused too.
/// </summary>
public static partial class ClipCheckpoint
{
    /// <summary>Hugging Face's config beside its weights.</summary>
    public const string HuggingFaceConfig = "config.json";

    /// <summary>OpenCLIP's config beside its weights (as on the Hugging Face hub).</summary>
    public const string OpenClipConfig = "open_clip_config.json";

    private static readonly string[] HuggingFaceWeights = ["model.safetensors", "pytorch_model.bin"];
    private static readonly string[] OpenClipWeights = ["open_clip_model.safetensors", "open_clip_pytorch_model.bin"];

    /// <summary>
    /// OpenCLIP model names and pretrained tags (open_clip's <c>pretrained.py</c>, where each tag records
    /// <c>quick_gelu</c>), matched case-insensitively in the file name, then in its folder's name; the first rule that
    /// matches wins. Kept in step with the README's "Checkpoints" table.
    /// </summary>
    public static IReadOnlyList<(string Contains, Activation Activation, string Why)> OpenClipNames { get; } =
    [
        ("quickgelu", Activation.QuickGelu, "an OpenCLIP '-quickgelu' model (e.g. ViT-B-32-quickgelu, rn50-quickgelu-yfcc15m)"),
        ("altogether", Activation.Gelu, "MetaCLIP 1.2 'altogether' (OpenCLIP: not QuickGELU, unlike other MetaCLIP)"),
        ("metaclip", Activation.QuickGelu, "MetaCLIP (OpenCLIP metaclip_* tags: quick_gelu)"),
        ("dfn", Activation.QuickGelu, "Apple DFN (OpenCLIP dfn2b / dfn5b tags: quick_gelu)"),
        ("openai", Activation.QuickGelu, "OpenAI's weights (OpenCLIP 'openai' tags: quick_gelu)"),
        ("laion2b", Activation.Gelu, "LAION-2B (OpenCLIP laion2b_* tags: GELU)"),
        ("datacomp", Activation.Gelu, "DataComp (OpenCLIP datacomp_* tags: GELU)"),
        ("commonpool", Activation.Gelu, "DataComp CommonPool (OpenCLIP commonpool_* tags: GELU)"),
    ];

    /// <summary>OpenCLIP towers whose head width is not 64 (model_configs/*.json <c>head_width</c>), by name.</summary>
    private static readonly (string Contains, int HeadWidth)[] OpenClipHeadWidths =
    [
        ("vit-h-14", 80), ("vit_h_14", 80), ("vit_huge", 80),
    ];

    /// <summary>A file as is; a folder's weights by their Hugging Face or OpenCLIP names, or its one checkpoint file.</summary>
    /// <exception cref="EngineInputException">Neither a file nor a folder holding one checkpoint.</exception>
    public static string WeightsFile(string path)
    {
        if (File.Exists(path))
            return path;
        if (!Directory.Exists(path))
            throw new EngineInputException(path, "no such file or folder");
        var hfFirst = File.Exists(Path.Combine(path, HuggingFaceConfig));
        var names = hfFirst ? HuggingFaceWeights.Concat(OpenClipWeights) : OpenClipWeights.Concat(HuggingFaceWeights);
        foreach (var name in names)
        {
            var candidate = Path.Combine(path, name);
            if (File.Exists(candidate))
                return candidate;
        }
        var checkpoints = Directory.EnumerateFiles(path)
            .Where(f => CheckpointFile.Extensions.Contains(Path.GetExtension(f), StringComparer.OrdinalIgnoreCase))
            .ToList();
        return checkpoints.Count switch
        {
            1 => checkpoints[0],
            0 => throw new EngineInputException(path, $"a folder without a checkpoint ({string.Join(", ", HuggingFaceWeights.Concat(OpenClipWeights))} or one {string.Join("/", CheckpointFile.Extensions)} file)"),
            _ => throw new EngineInputException(path, $"a folder with {checkpoints.Count} checkpoint files and none named {string.Join(", ", HuggingFaceWeights.Concat(OpenClipWeights))}: give the file itself"),
        };
    }

    /// <summary>Hugging Face <c>CLIPModel</c> key names (<c>vision_model.encoder.layers.N…</c>, <c>text_model…</c>).</summary>
    public static bool IsHuggingFace(IReadOnlyCollection<string> keys) =>
        keys.Any(k => k.StartsWith("vision_model.", StringComparison.Ordinal) || k.StartsWith("text_model.", StringComparison.Ordinal));

    /// <summary>
    /// The layout and activation of a CLIP checkpoint whose tensor names are <paramref name="keys"/> (as stored, before
    /// any mapping). <paramref name="sha256"/> is asked for only when nothing else tells (null: do not hash, as when
    /// listing). With <paramref name="require"/> an undecided activation is refused; otherwise it is left null.
    /// </summary>
    public static ClipCheckpointInfo Describe(string path, string weightsFile, CheckpointFormat format, IReadOnlyCollection<string> keys,
        Activation? requested, Func<string>? sha256, bool require)
    {
        RefuseForeignKeys(path, keys);
        var info = IsHuggingFace(keys)
            ? DescribeHuggingFace(path, weightsFile, format, requested)
            : DescribeOpenAiNames(path, weightsFile, format, requested, sha256, require);
        return info with { VisionTransformer = IsVisionTransformer(keys) };
    }

    /// <summary>
    /// Whether the image tower is a ViT, from the names alone: a ModifiedResNet always has its attention pool
    /// (<c>visual.attnpool…</c>; a TorchScript archive's index names the module <c>attnpool</c>), a ViT never does,
    /// and Hugging Face CLIP is ViT only. Listing tells members which methods a model can run before they start one.
    /// </summary>
    public static bool IsVisionTransformer(IReadOnlyCollection<string> keys) =>
        IsHuggingFace(keys) || !keys.Any(k => k.Contains("attnpool", StringComparison.Ordinal));

    /// <summary>Keys of models that are not CLIP as the engine runs it, refused by name.</summary>
    private static void RefuseForeignKeys(string path, IReadOnlyCollection<string> keys)
    {
        if (keys.Contains("logit_bias"))
            throw new EngineInputException(path, "it has a 'logit_bias': a SigLIP-style (sigmoid loss) model, not CLIP; not supported");
        var custom = keys.FirstOrDefault(k => k.StartsWith("text.", StringComparison.Ordinal));
        if (custom is not null)
            throw new EngineInputException(path, $"it has a custom text tower ('{custom}', OpenCLIP's CustomTextCLIP); only CLIP's own text transformer is supported");
    }

    private static ClipCheckpointInfo DescribeHuggingFace(string path, string weightsFile, CheckpointFormat format, Activation? requested)
    {
        var configPath = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(weightsFile))!, HuggingFaceConfig);
        if (!File.Exists(configPath))
            throw new EngineInputException(path, $"Hugging Face CLIP weights need their {HuggingFaceConfig} beside them (it names the activation, hidden_act)");
        using var config = ReadJson(configPath);
        var root = config.RootElement;
        if (String(root, "model_type") is { } modelType && modelType != "clip")
            throw new EngineInputException(path, $"{HuggingFaceConfig} says model_type '{modelType}', not 'clip'; only CLIP models are supported");
        var vision = Section(root, "vision_config");
        var text = Section(root, "text_config");
        // transformers' CLIPVisionConfig / CLIPTextConfig default hidden_act is "quick_gelu", and save_pretrained leaves
        // defaults out of config.json: an absent hidden_act is quick_gelu, as transformers itself would load it.
        var visionAct = HiddenAct(path, vision, "vision_config");
        var textAct = HiddenAct(path, text, "text_config");
        if (visionAct != textAct)
            throw new EngineInputException(path, $"{HuggingFaceConfig} gives the towers different activations (vision_config {Activations.Name(visionAct)}, text_config {Activations.Name(textAct)}); not supported");
        foreach (var (section, name) in new[] { (vision, "vision_config"), (text, "text_config") })
        {
            if (section is { } s && s.TryGetProperty("layer_norm_eps", out var eps) && eps.ValueKind == JsonValueKind.Number && Math.Abs(eps.GetDouble() - 1e-5) > 1e-12)
                throw new EngineInputException(path, $"{HuggingFaceConfig} {name}.layer_norm_eps is {eps.GetDouble()}, CLIP's is 1e-5; not supported");
        }
        if (requested is { } asked && asked != visionAct)
            throw new EngineInputException(path, $"its {HuggingFaceConfig} says hidden_act {Activations.Name(visionAct)}, but {Activations.Name(asked)} was asked for");
        // transformers' defaults when absent: 12 heads (vision), 8 (text).
        return new ClipCheckpointInfo(weightsFile, format, CheckpointLayout.HuggingFace, visionAct, $"{HuggingFaceConfig} hidden_act",
            VisionHeads: Int(vision, "num_attention_heads") ?? 12, TextHeads: Int(text, "num_attention_heads") ?? 8);
    }

    private static Activation HiddenAct(string path, JsonElement? section, string name)
    {
        var act = section is { } s ? String(s, "hidden_act") : null;
        if (act is null)
            return Activation.QuickGelu;
        return Activations.TryParse(act)
            ?? throw new EngineInputException(path, $"{HuggingFaceConfig} {name}.hidden_act is '{act}'; only gelu and quick_gelu are supported");
    }

    private static ClipCheckpointInfo DescribeOpenAiNames(string path, string weightsFile, CheckpointFormat format, Activation? requested,
        Func<string>? sha256, bool require)
    {
        var layout = format == CheckpointFormat.TorchScript ? CheckpointLayout.OpenAi : CheckpointLayout.OpenClip;
        int? headWidth = null, textHeads = null;

        (Activation Activation, string Source)? stated = null;
        if (format == CheckpointFormat.TorchScript)
            stated = TorchScriptActivation(path, weightsFile);

        var configPath = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(weightsFile))!, OpenClipConfig);
        if (stated is null && File.Exists(configPath))
        {
            (var quick, headWidth, textHeads) = ReadOpenClipConfig(path, configPath);
            stated = (quick ? Activation.QuickGelu : Activation.Gelu, $"{OpenClipConfig} model_cfg.quick_gelu");
        }

        if (stated is null && sha256 is not null)
        {
            var official = ModelCatalog.FindBySha256(sha256());
            if (official is not null && official.Kind == "clip")
            {
                layout = CheckpointLayout.OpenAi;
                stated = (Activation.QuickGelu, $"the official OpenAI {official.Name} file");
            }
        }

        headWidth ??= NameRule(weightsFile, OpenClipHeadWidths.Select(r => (r.Contains, r.HeadWidth)));

        if (stated is { } s)
        {
            if (requested is { } asked && asked != s.Activation)
                throw new EngineInputException(path, $"{s.Source} says {Activations.Name(s.Activation)}, but {Activations.Name(asked)} was asked for");
            return new ClipCheckpointInfo(weightsFile, format, layout, s.Activation, s.Source, VisionHeadWidth: headWidth, TextHeads: textHeads);
        }
        if (requested is { } given)
            return new ClipCheckpointInfo(weightsFile, format, layout, given, "stated by the user", VisionHeadWidth: headWidth);

        var byName = OpenClipNames
            .Select(r => (Rule: r, Hit: Matches(weightsFile, r.Contains)))
            .FirstOrDefault(r => r.Hit is not null);
        if (byName.Hit is not null)
            return new ClipCheckpointInfo(weightsFile, format, layout, byName.Rule.Activation,
                $"the name '{byName.Hit}': {byName.Rule.Why}", VisionHeadWidth: headWidth);

        if (require)
            throw new ActivationRequiredException(path);
        return new ClipCheckpointInfo(weightsFile, format, layout, null, "unknown: to be stated", VisionHeadWidth: headWidth);
    }

    /// <summary>
    /// A TorchScript archive records the class of every submodule in its <c>data.pkl</c>: the MLP's activation is a
    /// <c>QuickGELU</c> (OpenAI's <c>clip/model.py</c>, the fixture's) or <c>torch.nn…GELU</c>. Null when neither
    /// (or both) appear.
    /// </summary>
    private static (Activation, string)? TorchScriptActivation(string path, string weightsFile)
    {
        var index = Encoding.Latin1.GetString(CheckpointArchive.ReadIndex(weightsFile));
        bool quick = index.Contains("QuickGELU", StringComparison.Ordinal);
        bool plain = PlainGelu().IsMatch(index);
        if (quick && plain)
            throw new EngineInputException(path, "the TorchScript archive holds both QuickGELU and GELU modules; which one the MLPs use cannot be told");
        if (quick)
            return (Activation.QuickGelu, "the TorchScript archive's QuickGELU modules");
        if (plain)
            return (Activation.Gelu, "the TorchScript archive's GELU modules");
        return null;
    }

    /// <summary>
    /// <c>model_cfg.quick_gelu</c> (OpenCLIP's default: false, i.e. GELU), the vision head width (default 64) and the
    /// text head count (default 8); options that change the computation in ways the weights do not show are refused
    /// by name.
    /// </summary>
    private static (bool QuickGelu, int? HeadWidth, int? TextHeads) ReadOpenClipConfig(string path, string configPath)
    {
        using var doc = ReadJson(configPath);
        var cfg = doc.RootElement.TryGetProperty("model_cfg", out var m) && m.ValueKind == JsonValueKind.Object ? m : doc.RootElement;
        var refused = new List<string>();
        if (Has(cfg, "init_logit_bias"))
            refused.Add("model_cfg.init_logit_bias (SigLIP-style)");
        if (Bool(cfg, "custom_text") == true)
            refused.Add("model_cfg.custom_text");
        JsonElement? vision = cfg.TryGetProperty("vision_cfg", out var v) && v.ValueKind == JsonValueKind.Object ? v : null;
        JsonElement? text = cfg.TryGetProperty("text_cfg", out var t) && t.ValueKind == JsonValueKind.Object ? t : null;
        if (vision is { } vc)
        {
            foreach (var flag in new[] { "attentional_pool", "no_ln_pre", "final_ln_after_pool", "global_average_pool" })
                if (Bool(vc, flag) == true) refused.Add($"vision_cfg.{flag}");
            foreach (var field in new[] { "ls_init_value", "timm_model_name", "act_kwargs", "norm_kwargs" })
                if (Has(vc, field)) refused.Add($"vision_cfg.{field}");
            if (String(vc, "pool_type") is { } pool && pool != "tok") refused.Add($"vision_cfg.pool_type '{pool}'");
            if (vc.TryGetProperty("mlp_ratio", out var r) && r.ValueKind == JsonValueKind.Number && Math.Abs(r.GetDouble() - 4) > 1e-9)
                refused.Add($"vision_cfg.mlp_ratio {r.GetDouble()}");
        }
        if (text is { } tc)
        {
            foreach (var flag in new[] { "no_causal_mask", "final_ln_after_pool", "embed_cls", "proj_bias" })
                if (Bool(tc, flag) == true) refused.Add($"text_cfg.{flag}");
            foreach (var field in new[] { "hf_model_name", "ls_init_value", "act_kwargs", "norm_kwargs" })
                if (Has(tc, field)) refused.Add($"text_cfg.{field}");
            if (String(tc, "pool_type") is { } pool && pool != "argmax") refused.Add($"text_cfg.pool_type '{pool}'");
            if (String(tc, "proj_type") is { } proj && proj != "linear") refused.Add($"text_cfg.proj_type '{proj}'");
            if (String(tc, "text_arch") is { } arch && arch != "default") refused.Add($"text_cfg.text_arch '{arch}'");
        }
        if (refused.Count > 0)
            throw new EngineInputException(path, $"its {OpenClipConfig} sets {string.Join(", ", refused)}: not OpenAI's CLIP architecture; not supported");
        return (Bool(cfg, "quick_gelu") ?? false, vision is { } vv ? Int(vv, "head_width") ?? 64 : null,
            text is { } tt ? Int(tt, "heads") ?? 8 : null);
    }

    private static T? NameRule<T>(string weightsFile, IEnumerable<(string Contains, T Value)> rules) where T : struct =>
        rules.Where(r => Matches(weightsFile, r.Contains) is not null).Select(r => (T?)r.Value).FirstOrDefault();

    /// <summary>The file's name, or else its folder's, when it contains <paramref name="fragment"/> (case-insensitive).</summary>
    private static string? Matches(string weightsFile, string fragment)
    {
        var full = Path.GetFullPath(weightsFile);
        var file = Path.GetFileName(full);
        if (file.Contains(fragment, StringComparison.OrdinalIgnoreCase))
            return file;
        var folder = Path.GetFileName(Path.GetDirectoryName(full));
        return folder is not null && folder.Contains(fragment, StringComparison.OrdinalIgnoreCase) ? folder : null;
    }

    private static JsonDocument ReadJson(string path)
    {
        var info = new FileInfo(path);
        if (info.Length > 1 << 20)
            throw new EngineInputException(path, "a config file over 1 MB; not a CLIP config");
        try
        {
            return JsonDocument.Parse(File.ReadAllBytes(path));
        }
        catch (JsonException e)
        {
            throw new EngineInputException(path, $"not valid JSON ({e.Message})", e);
        }
    }

    private static JsonElement? Section(JsonElement root, string name)
    {
        foreach (var key in new[] { name, name + "_dict" })
            if (root.TryGetProperty(key, out var s) && s.ValueKind == JsonValueKind.Object)
                return s;
        return null;
    }

    private static string? String(JsonElement e, string name) =>
        e.TryGetProperty(name, out var p) && p.ValueKind == JsonValueKind.String ? p.GetString() : null;

    private static int? Int(JsonElement? e, string name) =>
        e is { } o && o.TryGetProperty(name, out var p) && p.ValueKind == JsonValueKind.Number && p.TryGetInt32(out var i) ? i : null;

    private static bool? Bool(JsonElement e, string name) =>
        e.TryGetProperty(name, out var p) && p.ValueKind is JsonValueKind.True or JsonValueKind.False ? p.GetBoolean() : null;

    private static bool Has(JsonElement e, string name) =>
        e.TryGetProperty(name, out var p) && p.ValueKind != JsonValueKind.Null;

    /// <summary><c>GELU</c> as a whole class name (not the tail of <c>QuickGELU</c>).</summary>
    [GeneratedRegex(@"(?<![A-Za-z])GELU")]
    private static partial Regex PlainGelu();
}
