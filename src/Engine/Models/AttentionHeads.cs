using static TorchSharp.torch;

namespace ClipSurgeryWeb.Engine.Models;

/// <summary>Splitting features into attention heads and back, shared by every attention in the image and text towers.</summary>
public static class AttentionHeads
{
    /// <summary><c>[B, L, C]</c> -> <c>[B, H, L, C/H]</c>.</summary>
    public static Tensor Split(Tensor x, int heads)
    {
        var (b, l, c) = (x.shape[0], x.shape[1], x.shape[2]);
        return x.view(b, l, heads, c / heads).transpose(1, 2);          // [B, L, C] -> [B, L, H, d] -> [B, H, L, d]
    }

    /// <summary><c>[B, H, L, d]</c> -> <c>[B, L, H·d]</c>.</summary>
    public static Tensor Merge(Tensor o)
    {
        var (b, h, l, d) = (o.shape[0], o.shape[1], o.shape[2], o.shape[3]);
        return o.transpose(1, 2).reshape(b, l, h * d);                  // [B, H, L, d] -> [B, L, H, d] -> [B, L, C]
    }
}
