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
    /// normalises). <c>[B, 3, H, W]</c> → <c>[B, 1+N, D]</c>; see <see cref="EncodeDense(Tensor, IReadOnlyList{DenseAttention})"/>.
    /// </summary>
    public Tensor EncodeDense(Tensor image, DenseAttention kind)
    {
        using var scope = torch.NewDisposeScope();
        return EncodeDense(image, [kind])[0].MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Several dense methods on the same images at the cost of one: the first L−1 blocks run once, then the last block
    /// once per <paramref name="kinds"/> entry, each result <c>[B, 1+N, D]</c> in the order given. Any crop size whose
    /// sides are multiples of the patch: off the checkpoint's own square grid the position embedding is interpolated by
    /// the methods' rule (<see cref="PositionalEmbeddingCache.ResizeBicubic"/>: bicubic by scale factor), not CLIP
    /// Surgery's bilinear one; NACLIP's Ω is built for the h×w grid.
    /// </summary>
    public IReadOnlyList<Tensor> EncodeDense(Tensor images, IReadOnlyList<DenseAttention> kinds)
    {
        using var scope = torch.NewDisposeScope();
        var x = Embed(images, out var height, out var width);                          // [B, 1+h·w, C]
        x = ln_pre.forward(x + MixedPrecision.As(positions.ForGrid(height, width), x.dtype));   // interpolated in fp32, then cast

        var blocks = transformer.Blocks;
        for (int i = 0; i < blocks.Count - 1; i++)
            x = blocks[i].forward(x);
        using var omega = kinds.Contains(DenseAttention.Neighbourhood) ? NeighbourhoodWindow.Omega(height, width) : null;   // [1+N, 1+N]
        var outputs = new List<Tensor>(kinds.Count);
        foreach (var kind in kinds)
        {
            var last = blocks[^1].ForwardDense(x, kind, kind == DenseAttention.Neighbourhood ? omega : null);   // [B, 1+N, C]
            outputs.Add(MixedPrecision.Float32(ln_post.forward(last).matmul(proj)).MoveToOuterDisposeScope());  // [B, 1+N, D]
        }
        return outputs;
    }

    /// <summary>The patch size in pixels (the patch convolution's stride).</summary>
    public int PatchSize => patchSize;

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
    private Tensor Embed(Tensor image, out int side) => Embed(image, out _, out side);

    /// <summary>As <see cref="Embed(Tensor, out int)"/> for any h×w grid: <c>[B, 3, H, W]</c> -> <c>[B, 1+h·w, C]</c>.</summary>
    private Tensor Embed(Tensor image, out int height, out int width)
    {
        var x = conv1.forward(MixedPrecision.As(image, ComputeType));   // [B, C, h, w]
        (height, width) = ((int)x.shape[^2], (int)x.shape[^1]);
        x = x.reshape(x.shape[0], x.shape[1], -1).permute(0, 2, 1); // [B, C, h, w] -> [B, h·w, C]
        var cls = MixedPrecision.As(class_embedding, x.dtype).expand(x.shape[0], 1, -1);   // [C] -> [B, 1, C]
        return torch.cat([cls, x], 1);                              // [B, 1+h·w, C]
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
            positions.Dispose();
        base.Dispose(disposing);
    }
}
