using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using TorchSharp;
using Tensor = TorchSharp.torch.Tensor;

namespace ClipSurgeryWeb.Engine.Imaging;

/// <summary>
/// The dense methods' test pipeline for one image (METHODS.md, "Input"): mmcv's <c>imrescale</c> to scale
/// (2048, short side) keeping the ratio, OpenCV bilinear on 8-bit RGB (<see cref="OpenCvResize"/>), then mmseg's
/// normalisation on 0–255 with the methods' mean and std. Not CLIP's own preprocessing (<see cref="ClipPreprocessor"/>:
/// square, bicubic, 0–1): the methods' configs ask for this one.
/// </summary>
public static class MethodInput
{
    /// <summary>mmseg's <c>Resize(scale=(2048, 336), keep_ratio=True)</c>: the long side's cap.</summary>
    public const int LongSideCap = 2048;

    public static readonly float[] Mean = [122.771f, 116.746f, 104.094f];
    public static readonly float[] Std = [68.501f, 66.632f, 70.323f];

    /// <summary>
    /// mmcv's <c>rescale_size</c>: factor <c>min(2048 / long, shortSide / short)</c>, new size
    /// <c>int(w·f + 0.5)</c> × <c>int(h·f + 0.5)</c> (enlarging too).
    /// </summary>
    public static (int Width, int Height) Size(int width, int height, int shortSide)
    {
        if (width <= 0 || height <= 0)
            throw new EngineInputException("image", $"{width}×{height} has no pixels");
        double factor = Math.Min((double)LongSideCap / Math.Max(width, height), (double)shortSide / Math.Min(width, height));
        return ((int)(width * factor + 0.5), (int)(height * factor + 0.5));
    }

    /// <summary>The resized RGB bytes <c>[H, W, 3]</c> (the goldens' <c>input.&lt;image&gt;.rgb</c>) and their size.</summary>
    public static (byte[] Rgb, int Width, int Height) Resized(Image<Rgb24> image, int shortSide)
    {
        var (w, h) = Size(image.Width, image.Height, shortSide);
        return (OpenCvResize.Linear(ClipPreprocessor.RgbBytes(image), image.Width, image.Height, 3, w, h), w, h);
    }

    /// <summary>RGB bytes <c>[H, W, 3]</c> → <c>(x − mean) / std</c> in float32, <c>[1, 3, H, W]</c> on the CPU.</summary>
    public static Tensor Normalize(ReadOnlySpan<byte> rgb, int width, int height)
    {
        int n = width * height;
        if (rgb.Length != 3 * n)
            throw new ArgumentException($"expected {width}×{height}×3 bytes, got {rgb.Length}", nameof(rgb));
        var planes = new float[3 * n];
        for (int i = 0; i < n; i++)
        {
            for (int c = 0; c < 3; c++)
                planes[c * n + i] = (rgb[3 * i + c] - Mean[c]) / Std[c];
        }
        return torch.tensor(planes, [1, 3, height, width]);   // [H, W, 3] bytes -> [1, 3, H, W]
    }

    /// <summary>The whole pipeline: <paramref name="image"/> → <c>[1, 3, H, W]</c> at the short side asked for.</summary>
    public static Tensor ToInput(Image<Rgb24> image, int shortSide)
    {
        var (rgb, w, h) = Resized(image, shortSide);
        return Normalize(rgb, w, h);
    }
}
