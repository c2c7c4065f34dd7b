using ClipSurgeryWeb.Engine.Checkpoints;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ClipSurgeryWeb.Engine.Models;

/// <summary>
/// CLIP's ViT image tower. Plain: all tokens of <c>ln_post(x) @ proj</c>, only at the checkpoint's own resolution
/// (as the reference's plain model). Surgery: the last <see cref="SurgeryBlocks"/> blocks take the dual path, the
/// class token comes from the original path, position embeddings are interpolated for other sizes.
/// </summary>
public sealed class VisionTransformer : VisualEncoder
{
    /// <summary>CLIP Surgery rebuilds the last 6 blocks (<c>for i in range(1, 7)</c> in the reference).</summary>
    public const int SurgeryBlocks = 6;

    private readonly Conv2d conv1;
    private readonly Parameter class_embedding;
    private readonly Parameter positional_embedding;
    private readonly LayerNorm ln_pre;
    private readonly Transformer transformer;
    private readonly LayerNorm ln_post;
    private Parameter proj;

    private readonly int patchSize;
    private readonly PositionalEmbeddingCache positions;

    public VisionTransformer(int inputResolution, int patchSize, int width, int layers, int heads, int outputDim, Activation activation)
        : base(nameof(VisionTransformer))
    {
        conv1 = nn.Conv2d(3, width, kernel_size: patchSize, stride: patchSize, bias: false);
        class_embedding = new Parameter(torch.zeros(width));
        positional_embedding = new Parameter(torch.zeros((inputResolution / patchSize) * (inputResolution / patchSize) + 1, width));
        ln_pre = new LayerNorm(width);
        transformer = new Transformer(width, layers, heads, causal: false, activation);
        ln_post = new LayerNorm(width);
        proj = new Parameter(torch.zeros(width, outputDim));
        RegisterComponents();

        InputResolution = inputResolution;
        this.patchSize = patchSize;
        positions = new PositionalEmbeddingCache(() => positional_embedding);
    }

    public override int InputResolution { get; }

    public override Tensor EncodePlain(Tensor image)
    {
        using var scope = torch.NewDisposeScope();
        var x = Embed(image, out var side);
        if (side != PositionalEmbeddingCache.SideOf(positional_embedding))
            throw new EngineInputException("resolution", $"plain CLIP on a ViT is only defined at the model's own {InputResolution}×{InputResolution} (got {side * patchSize})");
        x = ln_pre.forward(x + MixedPrecision.As(positional_embedding, x.dtype));
        x = transformer.forward(x);
        return MixedPrecision.Float32(ln_post.forward(x).matmul(proj)).MoveToOuterDisposeScope();   // [B, 1+N, D]
    }

    public override Tensor EncodeSurgery(Tensor image)
    {
        using var scope = torch.NewDisposeScope();
        var x = Embed(image, out var side);
        x = ln_pre.forward(x + MixedPrecision.As(positions.ForSide(side), x.dtype));   // interpolated in fp32, then cast

        var blocks = transformer.Blocks;
        int firstDual = Math.Max(0, blocks.Count - SurgeryBlocks);
        for (int i = 0; i < firstDual; i++)
            x = blocks[i].forward(x);

        Tensor? xOri = null;
        for (int i = firstDual; i < blocks.Count; i++)
            (x, xOri) = blocks[i].ForwardDual(x, xOri);

        // Class token from the original path, image tokens from the new path.
        x = torch.cat([xOri![.., ..1], x[.., 1..]], 1);                       // [B, 1+N, C]
        return MixedPrecision.Float32(ln_post.forward(x).matmul(proj)).MoveToOuterDisposeScope();   // [B, 1+N, D]
    }

    /// <summary>
    /// The training-free dense methods (METHODS.md): every block but the last as in OpenAI CLIP, the last one rebuilt by
    /// <paramref name="kind"/>, then <c>ln_post</c> and <c>proj</c> on ALL tokens (the caller drops the class token and
    /// normalises). Defined at the model's own resolution only for now (the methods' 224 crops): the methods'
    /// bicubic position-embedding interpolation for other crop sizes is not ported yet, so another size is refused
    /// rather than silently interpolated the Surgery way.
    /// </summary>
    public Tensor EncodeDense(Tensor image, DenseAttention kind)
    {
        using var scope = torch.NewDisposeScope();
        var x = Embed(image, out var side);
        if (side != PositionalEmbeddingCache.SideOf(positional_embedding))
            throw new EngineInputException("resolution", $"the dense methods on a ViT run at the model's own {InputResolution}×{InputResolution} crops for now (got {side * patchSize})");
        x = ln_pre.forward(x + MixedPrecision.As(positional_embedding, x.dtype));   // [B, 1+N, C]

        var blocks = transformer.Blocks;
        for (int i = 0; i < blocks.Count - 1; i++)
            x = blocks[i].forward(x);
        var omega = kind == DenseAttention.Neighbourhood ? NeighbourhoodWindow.Omega(side, side) : null;   // [1+N, 1+N]
        x = blocks[^1].ForwardDense(x, kind, omega);                                                         // [B, 1+N, C]
        return MixedPrecision.Float32(ln_post.forward(x).matmul(proj)).MoveToOuterDisposeScope();          // [B, 1+N, D]
    }

    /// <summary>The type the tower computes in: its patch convolution's (OpenAI's <c>dtype</c> property).</summary>
    public override ScalarType ComputeType => conv1.weight!.dtype;

    /// <summary>OpenAI's <c>convert_weights</c> for this tower's own parameter: <c>proj</c> to <paramref name="dtype"/>.</summary>
    internal void ConvertWeights(ScalarType dtype)
    {
        proj = MixedPrecision.Convert(proj, dtype);
        ConditionallyRegisterParameter(nameof(proj), proj);
    }

    /// <summary>
    /// Patchify and prepend the class embedding: <c>[B, 3, R, R]</c> -> <c>[B, 1+N, C]</c>. The image is cast to the
    /// tower's type and the (fp32) class embedding to the patches' type, as OpenAI's <c>forward</c> does.
    /// </summary>
    private Tensor Embed(Tensor image, out int side)
    {
        var x = conv1.forward(MixedPrecision.As(image, ComputeType));   // [B, C, S, S]
        side = (int)x.shape[^1];
        x = x.reshape(x.shape[0], x.shape[1], -1).permute(0, 2, 1); // [B, C, S, S] -> [B, S², C]
        var cls = MixedPrecision.As(class_embedding, x.dtype).expand(x.shape[0], 1, -1);   // [C] -> [B, 1, C]
        return torch.cat([cls, x], 1);                              // [B, 1+S², C]
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
            positions.Dispose();
        base.Dispose(disposing);
    }
}
