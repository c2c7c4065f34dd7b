using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using TorchSharp;
using Tensor = TorchSharp.torch.Tensor;

namespace ClipSurgeryWeb.Engine.Imaging;

/// <summary>
/// The reference's explain transform: resize straight to n×n with bicubic (aspect NOT kept, no centre crop),
/// scale to [0, 1], normalise with CLIP's mean and std. The resize is PIL's own bicubic (<see cref="PilResize"/>), so the
/// pixels are the reference's: ImageSharp's bicubic differs by 0.0023 mean absolute on normalised values.
/// </summary>
public static class ClipPreprocessor
{
    public static readonly float[] Mean = [0.48145466f, 0.4578275f, 0.40821073f];
    public static readonly float[] Std = [0.26862954f, 0.26130258f, 0.27577711f];

    /// <summary>Returns <c>[1, 3, n, n]</c> float32 on the CPU.</summary>
    public static Tensor ToInput(Image<Rgb24> image, int size)
    {
        var resized = PilResize.BicubicResize(RgbBytes(image), image.Width, image.Height, size, size);
        return Normalize(resized, size, size);
    }

    /// <summary>An already n×n RGB image → normalised <c>[1, 3, n, n]</c>.</summary>
    public static Tensor Normalize(Image<Rgb24> image) => Normalize(RgbBytes(image), image.Width, image.Height);

    /// <summary>RGB bytes <c>[H, W, 3]</c> → <c>ToTensor</c> and <c>Normalize</c>: <c>[1, 3, H, W]</c>.</summary>
    public static Tensor Normalize(byte[] rgb, int w, int h)
    {
        int n = w * h;
        var planes = new float[3 * n];
        for (int i = 0; i < n; i++)
        {
            for (int c = 0; c < 3; c++)
                planes[c * n + i] = (rgb[3 * i + c] / 255f - Mean[c]) / Std[c];
        }
        return torch.tensor(planes, [1, 3, h, w]);   // [H, W, 3] bytes -> [1, 3, H, W]
    }

    /// <summary>RGB bytes <c>[H, W, 3]</c> of an image, row-major (for tests and tensors built from images).</summary>
    public static byte[] RgbBytes(Image<Rgb24> image)
    {
        var bytes = new byte[image.Width * image.Height * 3];
        image.CopyPixelDataTo(bytes);
        return bytes;
    }
}
