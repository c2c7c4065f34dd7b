using System.Text.RegularExpressions;

namespace ClipSurgeryWeb.Engine.Checkpoints;

/// <summary>
/// A CLIP model's sizes, read from its weights exactly as OpenAI's <c>build_model</c> does.
/// <see cref="VisionLayers"/> holds one count for a ViT and four (blocks per stage) for a ModifiedResNet.
/// <see cref="Activation"/> (the MLPs') and <see cref="VisionHeadCount"/> cannot be read from weights: they come from the
/// checkpoint's layout (<see cref="StateDict.Clip"/>); a config built by hand gets OpenAI's QuickGELU and width / 64 heads.
/// </summary>
public sealed partial record ClipConfig(
    int EmbedDim,
    int ImageResolution,
    IReadOnlyList<int> VisionLayers,
    int VisionWidth,
    int? VisionPatchSize,
    int ContextLength,
    int VocabSize,
    int TransformerWidth,
    int TransformerHeads,
    int TransformerLayers,
    Activation Activation = Activation.QuickGelu,
    int? VisionHeadCount = null)
{
    public bool IsVisionTransformer => VisionPatchSize is not null;

    /// <summary>ViT: width / 64. ResNet: the attention pool's width (width·32) / 64. Unless the layout gave a count.</summary>
    public int VisionHeads => VisionHeadCount ?? (IsVisionTransformer ? VisionWidth / 64 : VisionWidth * 32 / 64);

    public string Architecture => IsVisionTransformer
        ? $"ViT (patch {VisionPatchSize}, width {VisionWidth}, {VisionLayers[0]} layers)"
        : $"ModifiedResNet (width {VisionWidth}, layers {string.Join("-", VisionLayers)})";

    public static ClipConfig FromStateDict(StateDict sd)
    {
        var config = SizesFromStateDict(sd);
        var layout = sd.Clip ?? throw new EngineInputException(sd.Path, "not a CLIP checkpoint");
        var activation = layout.Activation ?? throw new ActivationRequiredException(sd.Path);
        int width = config.VisionWidth * (config.IsVisionTransformer ? 1 : 32);   // the attention's width: ViT width, ResNet attnpool width·32
        int? visionHeads = layout.VisionHeads ?? (layout.VisionHeadWidth is { } hw ? width / hw : null);
        if (visionHeads is { } h && (h <= 0 || width % h != 0))
            throw new EngineInputException(sd.Path, $"{h} attention heads do not divide the image tower's width {width}");
        int textHeads = layout.TextHeads ?? config.TransformerHeads;
        if (textHeads <= 0 || config.TransformerWidth % textHeads != 0)
            throw new EngineInputException(sd.Path, $"{textHeads} attention heads do not divide the text tower's width {config.TransformerWidth}");
        return config with { Activation = activation, VisionHeadCount = visionHeads, TransformerHeads = textHeads };
    }

    private static ClipConfig SizesFromStateDict(StateDict sd)
    {
        if (!sd.Contains("text_projection") || !sd.Contains("token_embedding.weight") || !sd.Contains("ln_final.weight"))
            throw new EngineInputException(sd.Path, "not a CLIP checkpoint (no text_projection / token_embedding / ln_final weights)");
        foreach (var key in sd.Keys.Where(k => k.EndsWith(".mlp.c_fc.weight", StringComparison.Ordinal)))
        {
            var fc = sd[key];
            if (fc.shape.Length == 2 && fc.shape[0] != 4 * fc.shape[1])
                throw new EngineInputException(sd.Path, $"'{key}' is [{fc.shape[0]}, {fc.shape[1]}]: an MLP {fc.shape[0]}/{fc.shape[1]} times its width (CLIP's is 4, as OpenAI's); not supported");
        }

        int embedDim = (int)sd["text_projection"].shape[1];
        int contextLength = (int)sd["positional_embedding"].shape[0];
        int vocabSize = (int)sd["token_embedding.weight"].shape[0];
        int transformerWidth = (int)sd["ln_final.weight"].shape[0];
        int transformerLayers = sd.Keys
            .Select(k => TextBlock().Match(k))
            .Where(m => m.Success)
            .Select(m => m.Groups[1].Value)
            .Distinct()
            .Count();

        if (sd.Contains("visual.proj"))
        {
            var conv = sd["visual.conv1.weight"];
            int width = (int)conv.shape[0];
            int patch = (int)conv.shape[^1];
            int layers = sd.Keys.Count(k => k.StartsWith("visual.", StringComparison.Ordinal) && k.EndsWith(".attn.in_proj_weight", StringComparison.Ordinal));
            int grid = (int)Math.Round(Math.Sqrt(sd["visual.positional_embedding"].shape[0] - 1));
            return new ClipConfig(embedDim, patch * grid, [layers], width, patch,
                contextLength, vocabSize, transformerWidth, transformerWidth / 64, transformerLayers);
        }

        if (sd.Contains("visual.layer1.0.conv1.weight"))
        {
            var counts = Enumerable.Range(1, 4)
                .Select(stage => sd.Keys
                    .Where(k => k.StartsWith($"visual.layer{stage}.", StringComparison.Ordinal))
                    .Select(k => k.Split('.')[2])
                    .Distinct()
                    .Count())
                .ToArray();
            int width = (int)sd["visual.layer1.0.conv1.weight"].shape[0];
            long rows = sd["visual.attnpool.positional_embedding"].shape[0];
            int side = (int)Math.Round(Math.Sqrt(rows - 1));
            if (side * side + 1 != rows)
                throw new EngineInputException(sd.Path, $"attention-pool position embedding has {rows} rows, not a square grid plus one");
            return new ClipConfig(embedDim, side * 32, counts, width, null,
                contextLength, vocabSize, transformerWidth, transformerWidth / 64, transformerLayers);
        }

        throw new EngineInputException(sd.Path, "not a CLIP checkpoint (no ViT visual.proj and no ResNet visual.layer1)");
    }

    [GeneratedRegex(@"^transformer\.resblocks\.(\d+)\.")]
    private static partial Regex TextBlock();
}
