using System.Text.RegularExpressions;

namespace ClipSurgeryWeb.Engine.Segmentation;

/// <summary>
/// The sizes of a Segment Anything model, read from the shapes of its checkpoint (what <c>build_sam</c> hard-codes
/// per model).
/// </summary>
/// <remarks>
/// How each size is found:
/// <list type="bullet">
/// <item>encoder width, patch size: <c>image_encoder.patch_embed.proj.weight</c> <c>[E, 3, p, p]</c>;
/// grid side and input size: <c>image_encoder.pos_embed</c> <c>[1, g, g, E]</c>, image = g·p;
/// depth: the number of <c>image_encoder.blocks.N</c>; MLP width: <c>blocks.0.mlp.lin1.weight</c> dim 0.</item>
/// <item>heads: the relative position tables are stored per head, <c>rel_pos_h</c> <c>[2s−1, E/heads]</c>, so
/// heads = E / <c>rel_pos_h</c> dim 1. This is exact for any width. For the official widths it is checked against
/// the published table (vit_b 768/12, vit_l 1024/16, vit_h 1280/16); a checkpoint that disagrees is refused.</item>
/// <item>global attention blocks: those whose <c>rel_pos_h</c> has 2g−1 rows (127 for the 64² grid); the others
/// are windowed and give the window side, (rows + 1) / 2 (14 → 27 rows).</item>
/// <item>prompt width: <c>image_encoder.neck.0.weight</c> dim 0; mask-input channels:
/// <c>prompt_encoder.mask_downscaling.3.weight</c> dim 0; mask tokens: <c>mask_decoder.mask_tokens.weight</c> dim 0;
/// decoder depth and MLP width, attention downsampling (<c>dim / cross_attn_token_to_image.q_proj</c> rows),
/// IoU head depth and width from their layers.</item>
/// <item>decoder heads: 8. No weight shape depends on them; <c>build_sam</c> uses 8 for every official model.</item>
/// </list>
/// </remarks>
public sealed record SamConfig
{
    /// <summary>Heads of the two-way transformer, fixed by <c>build_sam</c> for every official model.</summary>
    public const int OfficialDecoderNumHeads = 8;

    /// <summary>Width → heads of the published models (vit_b, vit_l, vit_h), used to check the rule from the weights.</summary>
    private static readonly Dictionary<int, int> OfficialEncoderHeads =
        SamCatalog.All.ToDictionary(c => c.EncoderEmbedDim, c => c.EncoderNumHeads);

    public required int ImageSize { get; init; }
    public required int PatchSize { get; init; }
    public int ImageEmbeddingSize => ImageSize / PatchSize;
    public required int EncoderEmbedDim { get; init; }
    public required int EncoderDepth { get; init; }
    public required int EncoderNumHeads { get; init; }
    public required int EncoderMlpDim { get; init; }
    public required IReadOnlyList<int> EncoderGlobalAttnIndexes { get; init; }
    /// <summary>Side of the attention windows; 0 when every block is global.</summary>
    public required int WindowSize { get; init; }
    public required int PromptEmbedDim { get; init; }
    public required int MaskInChans { get; init; }
    public required int NumMultimaskOutputs { get; init; }
    public required int DecoderDepth { get; init; }
    public required int DecoderNumHeads { get; init; }
    public required int DecoderMlpDim { get; init; }
    public required int AttentionDownsampleRate { get; init; }
    public required int IouHeadDepth { get; init; }
    public required int IouHeadHiddenDim { get; init; }

    /// <summary>
    /// Reads the sizes from a checkpoint's parameter shapes (key → shape).
    /// </summary>
    /// <param name="shapes">state-dict keys and their shapes</param>
    /// <param name="source">the checkpoint's name for messages</param>
    /// <exception cref="InvalidDataException">the shapes are not those of a SAM checkpoint</exception>
    public static SamConfig FromShapes(IReadOnlyDictionary<string, long[]> shapes, string source)
    {
        long[] Shape(string key, int rank) =>
            shapes.TryGetValue(key, out var s)
                ? s.Length == rank ? s : throw NotSam(source, $"'{key}' has shape [{string.Join(", ", s)}], expected rank {rank}")
                : throw NotSam(source, $"it has no '{key}'");

        var patch = Shape("image_encoder.patch_embed.proj.weight", 4);
        var (embedDim, patchSize) = ((int)patch[0], (int)patch[2]);
        var grid = (int)Shape("image_encoder.pos_embed", 4)[1];
        var depth = CountIndexed(shapes, "image_encoder.blocks.");
        if (depth == 0)
            throw NotSam(source, "it has no 'image_encoder.blocks.N' entries");

        var headDim = (int)Shape("image_encoder.blocks.0.attn.rel_pos_h", 2)[1];
        if (headDim == 0 || embedDim % headDim != 0)
            throw NotSam(source, $"relative position width {headDim} does not divide the encoder width {embedDim}");
        var heads = embedDim / headDim;
        if (OfficialEncoderHeads.TryGetValue(embedDim, out var officialHeads) && officialHeads != heads)
            throw NotSam(source, $"width {embedDim} has {officialHeads} heads in the official models, the weights give {heads}");

        var global = new List<int>();
        var window = 0;
        for (var i = 0; i < depth; i++)
        {
            var rows = (int)Shape($"image_encoder.blocks.{i}.attn.rel_pos_h", 2)[0];
            if (rows == 2 * grid - 1)
            {
                global.Add(i);
            }
            else
            {
                var side = (rows + 1) / 2;
                if (rows % 2 == 0 || (window != 0 && window != side))
                    throw NotSam(source, $"block {i} has a relative position table of {rows} rows, which fits neither the grid nor the window");
                window = side;
            }
        }

        var promptDim = (int)Shape("image_encoder.neck.0.weight", 4)[0];
        var decoderFirstLayer = "mask_decoder.transformer.layers.0.";
        return new SamConfig
        {
            ImageSize = grid * patchSize,
            PatchSize = patchSize,
            EncoderEmbedDim = embedDim,
            EncoderDepth = depth,
            EncoderNumHeads = heads,
            EncoderMlpDim = (int)Shape("image_encoder.blocks.0.mlp.lin1.weight", 2)[0],
            EncoderGlobalAttnIndexes = global,
            WindowSize = window,
            PromptEmbedDim = promptDim,
            MaskInChans = (int)Shape("prompt_encoder.mask_downscaling.3.weight", 4)[0],
            NumMultimaskOutputs = (int)Shape("mask_decoder.mask_tokens.weight", 2)[0] - 1,
            DecoderDepth = CountIndexed(shapes, "mask_decoder.transformer.layers."),
            DecoderNumHeads = OfficialDecoderNumHeads,
            DecoderMlpDim = (int)Shape(decoderFirstLayer + "mlp.lin1.weight", 2)[0],
            AttentionDownsampleRate = promptDim / (int)Shape(decoderFirstLayer + "cross_attn_token_to_image.q_proj.weight", 2)[0],
            IouHeadDepth = CountIndexed(shapes, "mask_decoder.iou_prediction_head.layers."),
            IouHeadHiddenDim = (int)Shape("mask_decoder.iou_prediction_head.layers.0.weight", 2)[0],
        };
    }

    internal static InvalidDataException NotSam(string source, string reason) =>
        new($"'{source}' is not a Segment Anything checkpoint: {reason}.");

    /// <summary>Number of distinct N in keys <c>prefix + N + "."...</c>.</summary>
    private static int CountIndexed(IReadOnlyDictionary<string, long[]> shapes, string prefix)
    {
        var pattern = new Regex("^" + Regex.Escape(prefix) + @"(\d+)\.");
        return shapes.Keys.Select(k => pattern.Match(k)).Where(m => m.Success).Select(m => m.Groups[1].Value).Distinct().Count();
    }
}
