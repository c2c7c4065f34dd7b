using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace ClipSurgeryWeb.Engine.Maps;

/// <summary>
/// Similarities per token → heatmaps at the image's own size (the reference's <c>get_similarity_map</c>), in two
/// steps: <see cref="NormalizeTokens"/> (min–max per label over tokens, on the token grid) and <see cref="Upsample"/>
/// (bilinear to the image's size). Keeping only the small normalised grid until a map is drawn means an image with
/// many labels never holds all its full-size maps at once.
/// </summary>
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
        var grid = NormalizeTokens(tokens);                                     // [B, T, S, S]
        return Upsample(grid, height, width).permute(0, 2, 3, 1).contiguous().MoveToOuterDisposeScope();   // [B, T, H, W] -> [B, H, W, T]
    }

    /// <summary>Min–max per label over tokens, then the square grid: <c>[B, N, T]</c> → <c>[B, T, S, S]</c>.</summary>
    public static Tensor NormalizeTokens(Tensor tokens)
    {
        using var scope = torch.NewDisposeScope();
        var min = tokens.amin([1], keepdim: true);
        var max = tokens.amax([1], keepdim: true);
        var sm = (tokens - min) / (max - min);
        int side = (int)Math.Sqrt(sm.shape[1]);
        return sm.reshape(sm.shape[0], side, side, -1).permute(0, 3, 1, 2).MoveToOuterDisposeScope();   // [B, N, T] -> [B, S, S, T] -> [B, T, S, S]
    }

    /// <summary>Bilinear (align_corners = false) from the grid to the image's size: <c>[B, T, S, S]</c> → <c>[B, T, H, W]</c>.</summary>
    public static Tensor Upsample(Tensor grid, int height, int width) =>
        F.interpolate(grid, [height, width], mode: InterpolationMode.Bilinear, align_corners: false);
}
