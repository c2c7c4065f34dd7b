using ClipSurgeryWeb.Engine.Imaging;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace ClipSurgeryWeb.Engine.Opinions;

/// <summary>
/// The image side of gradient ascent: the image resized (nearest) to the model's input, and per step a batch of
/// random affine views as kornia's <c>RandomAffine(degrees=10, translate=0.1, p=0.8)</c>, normalised with CLIP's
/// mean and std. Views are drawn from a seeded generator, so a seed fixes them; they cannot equal kornia's draws.
/// </summary>
public static class RandomViews
{
    public const double MaxDegrees = 10;

    /// <summary>Largest shift per axis, as a fraction of the side.</summary>
    public const double MaxShift = 0.1;

    /// <summary>Chance that a view is transformed; the others are the image itself.</summary>
    public const double Probability = 0.8;

    /// <summary>
    /// The reference's input: RGB bytes / 255 as <c>[1, 3, H, W]</c>, resized with <c>F.interpolate</c>'s default
    /// (nearest) to <paramref name="size"/>², on <paramref name="device"/>.
    /// </summary>
    public static Tensor ImageTensor(Image<Rgb24> image, int size, Device device)
    {
        using var scope = torch.NewDisposeScope();
        var rgb = ClipPreprocessor.RgbBytes(image);
        var x = torch.tensor(rgb, [image.Height, image.Width, 3], ScalarType.Byte).to(device)
            .permute(2, 0, 1).unsqueeze(0).to(ScalarType.Float32) / 255;             // [H, W, 3] -> [1, 3, H, W]
        return F.interpolate(x, [size, size], mode: InterpolationMode.Nearest).MoveToOuterDisposeScope();   // [1, 3, S, S]
    }

    /// <summary>
    /// <paramref name="count"/> views <c>[N, 3, S, S]</c> of <paramref name="image"/> <c>[1, 3, S, S]</c> (values in [0, 1]):
    /// with probability 0.8 each is rotated by U(−10°, 10°) about the centre and shifted by U(−10 %, 10 %) of the side
    /// per axis (bilinear, zeros outside); then normalised with CLIP's mean and std.
    /// </summary>
    public static Tensor Sample(Tensor image, int count, Generator generator)
    {
        using var scope = torch.NewDisposeScope();
        var device = image.device;
        var angle = (torch.rand(count, generator: generator, device: device) * 2 - 1) * (MaxDegrees * Math.PI / 180);  // [N]
        // A shift of u·10 % of the side is 2·u·0.1 in affine_grid's [-1, 1] coordinates.
        var shift = (torch.rand(count, 2, generator: generator, device: device) * 2 - 1) * (2 * MaxShift);            // [N, 2]
        var apply = torch.rand(count, generator: generator, device: device) < Probability;                               // [N]

        // affine_grid maps output to input coordinates: p_in = R(−a) (p_out − t).
        var (cos, sin) = (angle.cos(), angle.sin());
        var (tx, ty) = (shift[.., 0], shift[.., 1]);
        var theta = torch.stack([
            torch.stack([cos, sin, -(cos * tx + sin * ty)], 1),
            torch.stack([-sin, cos, -(-sin * tx + cos * ty)], 1),
        ], 1);                                                                                                          // [N, 2, 3]
        var batch = image.expand(count, -1, -1, -1);                                                                    // [1, 3, S, S] -> [N, 3, S, S]
        var grid = F.affine_grid(theta, batch.shape, align_corners: false);                                            // [N, S, S, 2]
        var moved = F.grid_sample(batch, grid, GridSampleMode.Bilinear, GridSamplePaddingMode.Zeros, align_corners: false);
        var views = torch.where(apply.view(-1, 1, 1, 1), moved, batch);                                                // [N] -> [N, 1, 1, 1]
        return Normalize(views).MoveToOuterDisposeScope();
    }

    /// <summary><c>(x − mean) / std</c> per channel of <c>[N, 3, H, W]</c> values in [0, 1] (torchvision's <c>Normalize</c> with CLIP's constants).</summary>
    public static Tensor Normalize(Tensor images)
    {
        using var scope = torch.NewDisposeScope();
        var mean = torch.tensor(ClipPreprocessor.Mean, device: images.device).view(1, 3, 1, 1);   // [3] -> [1, 3, 1, 1]
        var std = torch.tensor(ClipPreprocessor.Std, device: images.device).view(1, 3, 1, 1);     // [3] -> [1, 3, 1, 1]
        return ((images - mean) / std).MoveToOuterDisposeScope();
    }
}
