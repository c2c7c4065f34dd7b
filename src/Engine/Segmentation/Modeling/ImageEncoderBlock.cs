using TorchSharp;
using TorchSharp.Modules;
using Tensor = TorchSharp.torch.Tensor;

namespace ClipSurgeryWeb.Engine.Segmentation;

/// <summary>
/// One transformer block of the image encoder (SAM's <c>image_encoder.Block</c>): pre-norm attention, windowed
/// (window partition with zero padding, then reversed) unless the block is global, and a GELU MLP.
/// </summary>
internal sealed class ImageEncoderBlock : torch.nn.Module<Tensor, Tensor>
{
    private readonly LayerNorm norm1;
    private readonly ImageEncoderAttention attn;
    private readonly LayerNorm norm2;
    private readonly MlpBlock mlp;
    private readonly long _windowSize;

    /// <param name="windowSize">Window side, or 0 for global attention over the whole <paramref name="gridSize"/>².</param>
    public ImageEncoderBlock(long dim, long numHeads, long mlpDim, long windowSize, long gridSize) : base(nameof(ImageEncoderBlock))
    {
        norm1 = torch.nn.LayerNorm(dim, eps: 1e-6);
        attn = new ImageEncoderAttention(dim, numHeads, windowSize == 0 ? gridSize : windowSize);
        norm2 = torch.nn.LayerNorm(dim, eps: 1e-6);
        mlp = new MlpBlock(dim, mlpDim, torch.nn.GELU());
        _windowSize = windowSize;
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = torch.NewDisposeScope();
        var shortcut = x;
        var h = norm1.call(x);
        if (_windowSize > 0)
        {
            var (height, width) = (h.shape[1], h.shape[2]);
            var (windows, padded) = WindowPartition(h, _windowSize);
            h = WindowUnpartition(attn.call(windows), _windowSize, padded, (height, width));
        }
        else
        {
            h = attn.call(h);
        }

        var y = shortcut + h;
        y = y + mlp.call(norm2.call(y));
        return y.MoveToOuterDisposeScope();
    }

    /// <summary>Splits <c>[B, H, W, C]</c> into <c>[B·nWindows, ws, ws, C]</c>, zero-padding H and W up to multiples of ws.</summary>
    internal static (Tensor Windows, (long H, long W) Padded) WindowPartition(Tensor x, long windowSize)
    {
        using var scope = torch.NewDisposeScope();
        var (b, h, w, c) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3]);
        var padH = (windowSize - h % windowSize) % windowSize;
        var padW = (windowSize - w % windowSize) % windowSize;
        if (padH > 0 || padW > 0)
            x = torch.nn.functional.pad(x, [0, 0, 0, padW, 0, padH]);
        var (hp, wp) = (h + padH, w + padW);

        // [B, Hp, Wp, C] -> [B, Hp/ws, ws, Wp/ws, ws, C] -> [B, Hp/ws, Wp/ws, ws, ws, C] -> [B*nW, ws, ws, C]
        var windows = x.view(b, hp / windowSize, windowSize, wp / windowSize, windowSize, c)
            .permute(0, 1, 3, 2, 4, 5).contiguous().view(-1, windowSize, windowSize, c);
        return (windows.MoveToOuterDisposeScope(), (hp, wp));
    }

    /// <summary>Reverses <see cref="WindowPartition"/>: <c>[B·nWindows, ws, ws, C]</c> back to <c>[B, H, W, C]</c> without padding.</summary>
    internal static Tensor WindowUnpartition(Tensor windows, long windowSize, (long H, long W) padded, (long H, long W) original)
    {
        using var scope = torch.NewDisposeScope();
        var b = windows.shape[0] / (padded.H * padded.W / windowSize / windowSize);
        // [B*nW, ws, ws, C] -> [B, Hp/ws, Wp/ws, ws, ws, C] -> [B, Hp/ws, ws, Wp/ws, ws, C] -> [B, Hp, Wp, C]
        var x = windows.view(b, padded.H / windowSize, padded.W / windowSize, windowSize, windowSize, -1)
            .permute(0, 1, 3, 2, 4, 5).contiguous().view(b, padded.H, padded.W, -1);
        if (padded.H > original.H || padded.W > original.W)
            x = x[.., ..(int)original.H, ..(int)original.W, ..].contiguous();
        return x.MoveToOuterDisposeScope();
    }
}
