using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace ClipSurgeryWeb.Engine.Maps;

/// <summary>Similarities per token → heatmaps at the image's own size (the reference's <c>get_similarity_map</c>).</summary>
public static class SimilarityMap
{
    /// <summary>
    /// <paramref name="similarity"/> <c>[B, 1+N, T]</c>: drops the class token, min–max per label over tokens,
    /// reshapes to side×side and resizes bilinearly (align_corners = false) to <paramref name="height"/>×<paramref name="width"/>.
    /// Returns <c>[B, H, W, T]</c> in [0, 1].
    /// </summary>
    public static Tensor ToImageSize(Tensor similarity, int height, int width)
    {
        using var scope = torch.NewDisposeScope();
        return TokensToImageSize(similarity[.., 1..], height, width).MoveToOuterDisposeScope();   // [B, 1+N, T] -> [B, N, T]
    }

    /// <summary>The same from image tokens only, <c>[B, N, T]</c> (class token already dropped) → <c>[B, H, W, T]</c>.</summary>
    public static Tensor TokensToImageSize(Tensor tokens, int height, int width)
    {
        using var scope = torch.NewDisposeScope();
        var sm = tokens;
        var min = sm.amin([1], keepdim: true);
        var max = sm.amax([1], keepdim: true);
        sm = (sm - min) / (max - min);
        int side = (int)Math.Sqrt(sm.shape[1]);
        sm = sm.reshape(sm.shape[0], side, side, -1).permute(0, 3, 1, 2);       // [B, N, T] -> [B, T, S, S]
        sm = F.interpolate(sm, [height, width], mode: InterpolationMode.Bilinear, align_corners: false);
        return sm.permute(0, 2, 3, 1).contiguous().MoveToOuterDisposeScope();   // [B, T, H, W] -> [B, H, W, T]
    }
}
