namespace ClipSurgeryWeb.Engine.Imaging;

/// <summary>
/// PIL's <c>Image.resize(size, BILINEAR | BICUBIC)</c> for 8-bit RGB, reproduced so our models see the same pixels as
/// the reference: SAM's <c>ResizeLongestSide.apply_image</c> (bilinear) and CLIP's <c>Resize((n, n), BICUBIC)</c>
/// both resize through PIL. ImageSharp's resamplers compute in floats and round differently: on the golden
/// 400×300 → 1024×768 its triangle filter is off by one grey level on 15 % of the values, where this port
/// reproduces PIL exactly.
/// </summary>
/// <remarks>
/// Pillow's <c>Resample.c</c>: separable, horizontal pass first into an 8-bit image, then vertical. For each output
/// index the source window is centred on <c>(i + 0.5)·scale</c>; the triangle filter's support is 1 scaled by the
/// downscale factor (antialiasing; no scaling when enlarging); weights are normalised, turned into 22-bit fixed point
/// (<c>(int)(w·2²² + 0.5)</c>), accumulated from a rounding offset of 2²¹ and clipped to 0..255 after the shift.
/// </remarks>
internal static class PilResize
{
    private const int PrecisionBits = 32 - 8 - 2;

    /// <summary>PIL's triangle filter (support 1).</summary>
    private static readonly Filter TriangleFilter = new(1.0, Triangle);

    /// <summary>PIL's bicubic filter (support 2, a = −0.5).</summary>
    private static readonly Filter BicubicFilter = new(2.0, Bicubic);

    private sealed record Filter(double Support, Func<double, double> Weight);

    /// <summary>Bilinear resize of packed RGB bytes (row-major, <c>[height, width, 3]</c>).</summary>
    public static byte[] Bilinear(ReadOnlySpan<byte> rgb, int width, int height, int newWidth, int newHeight) =>
        Resize(rgb, width, height, newWidth, newHeight, TriangleFilter);

    /// <summary>Bicubic resize of packed RGB bytes (row-major, <c>[height, width, 3]</c>).</summary>
    public static byte[] BicubicResize(ReadOnlySpan<byte> rgb, int width, int height, int newWidth, int newHeight) =>
        Resize(rgb, width, height, newWidth, newHeight, BicubicFilter);

    private static byte[] Resize(ReadOnlySpan<byte> rgb, int width, int height, int newWidth, int newHeight, Filter filter)
    {
        if (rgb.Length != width * height * 3)
            throw new ArgumentException($"Expected {width}×{height}×3 bytes, got {rgb.Length}.", nameof(rgb));
        if (newWidth <= 0 || newHeight <= 0)
            throw new ArgumentOutOfRangeException(nameof(newWidth), "The target size must be positive.");

        var source = rgb.ToArray();
        var horizontal = newWidth == width ? source : Horizontal(source, width, height, newWidth, filter);
        return newHeight == height ? horizontal : Vertical(horizontal, newWidth, height, newHeight, filter);
    }

    private static byte[] Horizontal(byte[] source, int width, int height, int newWidth, Filter filter)
    {
        var (bounds, kernel, kernelSize) = Coefficients(width, newWidth, filter);
        var output = new byte[newWidth * height * 3];
        for (var y = 0; y < height; y++)
        {
            var row = y * width * 3;
            for (var x = 0; x < newWidth; x++)
            {
                var (xmin, count) = bounds[x];
                var k = x * kernelSize;
                int r = 1 << (PrecisionBits - 1), g = r, b = r;
                for (var i = 0; i < count; i++)
                {
                    var p = row + (xmin + i) * 3;
                    var w = kernel[k + i];
                    r += source[p] * w;
                    g += source[p + 1] * w;
                    b += source[p + 2] * w;
                }
                var o = (y * newWidth + x) * 3;
                output[o] = Clip8(r);
                output[o + 1] = Clip8(g);
                output[o + 2] = Clip8(b);
            }
        }
        return output;
    }

    private static byte[] Vertical(byte[] source, int width, int height, int newHeight, Filter filter)
    {
        var (bounds, kernel, kernelSize) = Coefficients(height, newHeight, filter);
        var output = new byte[width * newHeight * 3];
        for (var y = 0; y < newHeight; y++)
        {
            var (ymin, count) = bounds[y];
            var k = y * kernelSize;
            for (var x = 0; x < width; x++)
            {
                int r = 1 << (PrecisionBits - 1), g = r, b = r;
                for (var i = 0; i < count; i++)
                {
                    var p = ((ymin + i) * width + x) * 3;
                    var w = kernel[k + i];
                    r += source[p] * w;
                    g += source[p + 1] * w;
                    b += source[p + 2] * w;
                }
                var o = (y * width + x) * 3;
                output[o] = Clip8(r);
                output[o + 1] = Clip8(g);
                output[o + 2] = Clip8(b);
            }
        }
        return output;
    }

    /// <summary>Pillow's <c>precompute_coeffs</c> + <c>normalize_coeffs_8bpc</c> for one axis.</summary>
    private static ((int Min, int Count)[] Bounds, int[] Kernel, int KernelSize) Coefficients(int inSize, int outSize, Filter filter)
    {
        var scale = (double)inSize / outSize;
        var filterScale = Math.Max(scale, 1.0);
        var support = filter.Support * filterScale;
        var kernelSize = (int)Math.Ceiling(support) * 2 + 1;

        var bounds = new (int, int)[outSize];
        var kernel = new int[outSize * kernelSize];
        var weights = new double[kernelSize];
        for (var xx = 0; xx < outSize; xx++)
        {
            var center = (xx + 0.5) * scale;
            var inverse = 1.0 / filterScale;
            var xmin = Math.Max((int)(center - support + 0.5), 0);
            var xmax = Math.Min((int)(center + support + 0.5), inSize) - xmin;
            var total = 0.0;
            for (var x = 0; x < xmax; x++)
            {
                weights[x] = filter.Weight((x + xmin - center + 0.5) * inverse);
                total += weights[x];
            }
            for (var x = 0; x < xmax; x++)
            {
                var w = total != 0.0 ? weights[x] / total : weights[x];
                kernel[xx * kernelSize + x] = w < 0
                    ? (int)(-0.5 + w * (1 << PrecisionBits))
                    : (int)(0.5 + w * (1 << PrecisionBits));
            }
            bounds[xx] = (xmin, xmax);
        }
        return (bounds, kernel, kernelSize);
    }

    private static double Triangle(double x)
    {
        x = Math.Abs(x);
        return x < 1.0 ? 1.0 - x : 0.0;
    }

    private static double Bicubic(double x)
    {
        const double a = -0.5;
        x = Math.Abs(x);
        if (x < 1.0)
            return ((a + 2.0) * x - (a + 3.0)) * x * x + 1;
        if (x < 2.0)
            return (((x - 5) * x + 8) * x - 4) * a;
        return 0.0;
    }

    private static byte Clip8(int value) =>
        value >= 255 << PrecisionBits ? (byte)255 : value <= 0 ? (byte)0 : (byte)(value >> PrecisionBits);
}
