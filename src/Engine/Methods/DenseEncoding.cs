using ClipSurgeryWeb.Engine.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace ClipSurgeryWeb.Engine.Methods;

/// <summary>
/// One of the training-free dense methods' encoder passes (METHODS.md): the ViT with its last block rebuilt by
/// <see cref="Attention"/>. One instance per kind, so the explainer runs each pass once per batch however many
/// methods read it. ViT only: the methods are defined on a ViT's last attention block.
/// </summary>
public sealed class DenseEncoding : IImageEncoding
{
    private DenseEncoding(string name, DenseAttention attention) => (Name, Attention) = (name, attention);

    public static DenseEncoding ClipDense { get; } = new("clip_dense", DenseAttention.Vanilla);

    public static DenseEncoding Sclip { get; } = new("sclip", DenseAttention.Correlative);

    public static DenseEncoding Naclip { get; } = new("naclip", DenseAttention.Neighbourhood);

    public static DenseEncoding KkReduced { get; } = new("kk_reduced", DenseAttention.KeyKeyReduced);

    public static DenseEncoding ClearClip { get; } = new("clearclip", DenseAttention.QueryQueryReduced);

    public static DenseEncoding MaskClip { get; } = new("maskclip", DenseAttention.IdentityReduced);

    public string Name { get; }

    /// <summary>How the last block's attention is rebuilt.</summary>
    public DenseAttention Attention { get; }

    /// <summary>The model's own size: maps are drawn from one native crop (the segmentation head slides its own crops, <see cref="SlideInference"/>).</summary>
    public int Resolution(ClipModel model, int requested) => model.Visual.InputResolution;

    /// <summary>
    /// Only plain CLIP with every token kept: its last block is OpenAI's, so token 0 is CLIP's embedding. The others
    /// change the class token's attention too.
    /// </summary>
    public bool ClassTokenIsPooled(ClipModel model) => Attention == DenseAttention.Vanilla;

    /// <summary>
    /// The methods' own normalisation, L2 per token (METHODS.md, "Output features"), not CLIP Surgery's over the token
    /// axis: a dense method's map is then its segmentation logits on the patch grid (cosine of each patch with the
    /// label), min–max normalised by <see cref="DenseMethod.Draw"/>.
    /// </summary>
    public Tensor ForMaps(Tensor tokens)
    {
        using var scope = torch.NewDisposeScope();
        return (tokens / tokens.norm(-1, keepdim: true)).MoveToOuterDisposeScope();   // [1, 1+N, D]
    }

    /// <summary><c>[b, 3, R, R]</c> → <c>[b, 1+N, D]</c>, <c>ln_post(x) @ proj</c> on every token; refused on a ResNet.</summary>
    public Tensor Encode(ClipModel model, Tensor images) => Vit(model, this).EncodeDense(images, Attention);

    /// <summary>
    /// Several dense encodings of the same images at the cost of one and a last block each: the first L−1 blocks run
    /// once (<see cref="VisionTransformer.EncodeDense(Tensor, IReadOnlyList{DenseAttention})"/>). One <c>[b, 1+N, D]</c>
    /// per encoding, in the order given, each the numbers <see cref="Encode"/> gives it alone (the same operations on the
    /// same trunk). Refused on a ResNet, naming the first encoding.
    /// </summary>
    public static IReadOnlyList<Tensor> EncodeTogether(ClipModel model, Tensor images, IReadOnlyList<DenseEncoding> encodings)
    {
        if (encodings.Count == 0)
            throw new EngineInputException("modes", "no dense method given");
        return Vit(model, encodings[0]).EncodeDense(images, encodings.Select(e => e.Attention).ToList());   // per encoding [b, 1+N, D]
    }

    private static VisionTransformer Vit(ClipModel model, DenseEncoding encoding) => model.Visual as VisionTransformer
        ?? throw new EngineInputException("modes", $"'{encoding.Name}' needs a ViT CLIP (its last attention block); this model is a ResNet");
}
