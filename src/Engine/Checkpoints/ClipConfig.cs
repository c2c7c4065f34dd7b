using System.Text.RegularExpressions;

namespace ClipSurgeryWeb.Engine.Checkpoints;

/// <summary>
/// A CLIP model's sizes, read from its weights exactly as OpenAI's <c>build_model</c> does.
/// <see cref="VisionLayers"/> holds one count for a ViT and four (blocks per stage) for a ModifiedResNet.
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
    int TransformerLayers)
{
    public bool IsVisionTransformer => VisionPatchSize is not null;

    /// <summary>ViT: width / 64. ResNet: the attention pool's width (width·32) / 64.</summary>
    public int VisionHeads => IsVisionTransformer ? VisionWidth / 64 : VisionWidth * 32 / 64;

    public string Architecture => IsVisionTransformer
        ? $"ViT (patch {VisionPatchSize}, width {VisionWidth}, {VisionLayers[0]} layers)"
        : $"ModifiedResNet (width {VisionWidth}, layers {string.Join("-", VisionLayers)})";

    public static ClipConfig FromStateDict(StateDict sd)
    {
        if (!sd.Contains("text_projection") || !sd.Contains("token_embedding.weight") || !sd.Contains("ln_final.weight"))
            throw new EngineInputException(sd.Path, "not a CLIP checkpoint (no text_projection / token_embedding / ln_final weights)");

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
