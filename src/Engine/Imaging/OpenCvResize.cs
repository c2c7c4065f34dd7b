namespace ClipSurgeryWeb.Engine.Imaging;

/// <summary>
/// OpenCV's <c>cv2.resize(img, (w, h), interpolation=INTER_LINEAR)</c> on 8-bit images, reproduced so the dense
/// methods see the pixels their own test pipelines (mmcv <c>imrescale</c>) feed them. OpenCV does it in fixed point:
/// floats only pick the source pixel and its weight, then everything is integer, with quirks a float bilinear resize
/// does not have (weights rounded separately, so they may sum to 2049; a vertical pass that drops 4 bits before it
/// multiplies). A float resize is off by one grey level on a good share of pixels.
/// </summary>
/// <remarks>
/// <c>imgproc/src/resize.cpp</c>, <c>resizeGeneric_</c> with <c>HResizeLinear</c> and <c>VResizeLinear</c> for
/// <c>uchar</c>: per output column <c>fx = (float)((dx + 0.5)·scale − 0.5)</c>, <c>sx = floor(fx)</c>, weights
/// <c>round((1 − f)·2048)</c> and <c>round(f·2048)</c> (half to even, as <c>cvRound</c>); at the left edge (<c>sx &lt; 0</c>)
/// and right edge (<c>sx ≥ w − 1</c>) the nearest column with weight 2048. Rows likewise, except that their weights keep
/// the fraction and only the row index is clamped. Horizontal pass: <c>int</c> sums. Vertical pass as its SIMD kernel
/// (<c>VResizeLinearVec_32s8u</c>, which covers every byte of a row whose length is a multiple of the vector width):
/// <c>((b0·(S0 &gt;&gt; 4)) &gt;&gt; 16) + ((b1·(S1 &gt;&gt; 4)) &gt;&gt; 16)</c>, then <c>(· + 2) &gt;&gt; 2</c> saturated to 0…255.
/// An exact 2× reduction in both directions is OpenCV's area average instead (<c>(a + b + c + d + 2) &gt;&gt; 2</c>), as
/// <c>cv::resize</c> switches to it; the same size is a copy.
/// </remarks>
public static class OpenCvResize
{
    private const int CoefficientBits = 11;
    private const int CoefficientScale = 1 << CoefficientBits;

    /// <summary>Packed 8-bit pixels (row-major, <c>[height, width, channels]</c>) → <c>[newHeight, newWidth, channels]</c>.</summary>
    public static byte[] Linear(ReadOnlySpan<byte> pixels, int width, int height, int channels, int newWidth, int newHeight)
    {
        if (width <= 0 || height <= 0 || channels <= 0 || pixels.Length != width * height * channels)
            throw new ArgumentException($"expected {width}×{height}×{channels} bytes, got {pixels.Length}", nameof(pixels));
        if (newWidth <= 0 || newHeight <= 0)
            throw new ArgumentOutOfRangeException(nameof(newWidth), $"{newWidth}×{newHeight} is not a size");
        if (newWidth == width && newHeight == height)
            return pixels.ToArray();

        double inverseX = (double)newWidth / width, inverseY = (double)newHeight / height;
        double scaleX = 1.0 / inverseX, scaleY = 1.0 / inverseY;
        if (scaleX == 2 && scaleY == 2)
            return HalveByArea(pixels, width, channels, newWidth, newHeight);

        var (columns, alphas) = Columns(scaleX, width, newWidth);
        int rowLength = newWidth * channels;
        var output = new byte[newHeight * rowLength];
        var upper = new int[rowLength];
        var lower = new int[rowLength];
        int upperRow = -1, lowerRow = -1;
        for (int dy = 0; dy < newHeight; dy++)
        {
            float fy = (float)((dy + 0.5) * scaleY - 0.5);
            int sy = (int)MathF.Floor(fy);
            fy -= sy;
            short b0 = Coefficient(1f - fy), b1 = Coefficient(fy);
            int r0 = Math.Clamp(sy, 0, height - 1), r1 = Math.Clamp(sy + 1, 0, height - 1);
            if (r0 != upperRow)
            {
                if (r0 == lowerRow)
                    (upper, lower, upperRow, lowerRow) = (lower, upper, lowerRow, upperRow);
                else
                {
                    Horizontal(pixels.Slice(r0 * width * channels, width * channels), channels, columns, alphas, width, upper);
                    upperRow = r0;
                }
            }
            if (r1 != lowerRow)
            {
                Horizontal(pixels.Slice(r1 * width * channels, width * channels), channels, columns, alphas, width, lower);
                lowerRow = r1;
            }
            var row = output.AsSpan(dy * rowLength, rowLength);
            for (int x = 0; x < rowLength; x++)
            {
                // v_pack(S >> 4) saturates to int16; v_mul_hi keeps the high 16 bits of the 32-bit product.
                int s0 = Math.Clamp(upper[x] >> 4, short.MinValue, short.MaxValue), s1 = Math.Clamp(lower[x] >> 4, short.MinValue, short.MaxValue);
                int sum = ((b0 * s0) >> 16) + ((b1 * s1) >> 16);
                row[x] = (byte)Math.Clamp((sum + 2) >> 2, 0, 255);
            }
        }
        return output;
    }

    /// <summary>Each output column's first source column (clamped) and its two weights; an edge column takes one source at 2048.</summary>
    private static (int[] Columns, short[] Alphas) Columns(double scaleX, int width, int newWidth)
    {
        var columns = new int[newWidth];
        var alphas = new short[2 * newWidth];
        for (int dx = 0; dx < newWidth; dx++)
        {
            float fx = (float)((dx + 0.5) * scaleX - 0.5);
            int sx = (int)MathF.Floor(fx);
            fx -= sx;
            if (sx < 0)
                (fx, sx) = (0, 0);
            if (sx >= width - 1)
                (fx, sx) = (0, width - 1);
            columns[dx] = sx;
            alphas[2 * dx] = Coefficient(1f - fx);
            alphas[2 * dx + 1] = Coefficient(fx);
        }
        return (columns, alphas);
    }

    /// <summary>One source row → its horizontal sums (weights × pixels, <c>int</c>) per output byte.</summary>
    private static void Horizontal(ReadOnlySpan<byte> source, int channels, int[] columns, short[] alphas, int width, int[] sums)
    {
        for (int dx = 0; dx < columns.Length; dx++)
        {
            int sx = columns[dx];
            for (int c = 0; c < channels; c++)
            {
                int at = sx * channels + c;
                // Past the last pair (OpenCV's xmax): the nearest pixel times ONE.
                sums[dx * channels + c] = sx >= width - 1
                    ? source[at] * CoefficientScale
                    : source[at] * alphas[2 * dx] + source[at + channels] * alphas[2 * dx + 1];
            }
        }
    }

    /// <summary>OpenCV's <c>saturate_cast&lt;short&gt;(w · 2048)</c>: float product, rounded half to even.</summary>
    private static short Coefficient(float weight) => (short)Math.Clamp(MathF.Round(weight * CoefficientScale, MidpointRounding.ToEven), short.MinValue, short.MaxValue);

    /// <summary><c>INTER_AREA</c>'s exact 2× path: the rounded mean of each 2×2 block.</summary>
    private static byte[] HalveByArea(ReadOnlySpan<byte> pixels, int width, int channels, int newWidth, int newHeight)
    {
        var output = new byte[newWidth * newHeight * channels];
        int stride = width * channels;
        for (int y = 0; y < newHeight; y++)
            for (int x = 0; x < newWidth; x++)
                for (int c = 0; c < channels; c++)
                {
                    int at = 2 * y * stride + 2 * x * channels + c;
                    int sum = pixels[at] + pixels[at + channels] + pixels[at + stride] + pixels[at + stride + channels];
                    output[(y * newWidth + x) * channels + c] = (byte)((sum + 2) >> 2);
                }
        return output;
    }
}
