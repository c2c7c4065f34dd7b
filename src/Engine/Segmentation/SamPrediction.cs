namespace ClipSurgeryWeb.Engine.Segmentation;

/// <summary>
/// What <see cref="SamPredictor.Predict"/> returns, as plain arrays (nothing to dispose): <see cref="Count"/> masks
/// at the original image size, their predicted IoU scores, and the low-res logits they came from.
/// </summary>
public sealed class SamPrediction
{
    internal SamPrediction(byte[] masks, float[] scores, float[] lowResLogits, int height, int width, int lowResSize)
    {
        Masks = masks;
        Scores = scores;
        LowResLogits = lowResLogits;
        Height = height;
        Width = width;
        LowResSize = lowResSize;
    }

    /// <summary>Number of masks: 3 with multimask output, else 1.</summary>
    public int Count => Scores.Length;

    /// <summary>Original image height.</summary>
    public int Height { get; }

    /// <summary>Original image width.</summary>
    public int Width { get; }

    /// <summary>Side of the low-res logits (256).</summary>
    public int LowResSize { get; }

    /// <summary>Masks <c>[Count, Height, Width]</c>, row-major: 1 where the upscaled logit is above 0, else 0.</summary>
    public ReadOnlyMemory<byte> Masks { get; }

    /// <summary>Predicted IoU of each mask, <c>[Count]</c>.</summary>
    public ReadOnlyMemory<float> Scores { get; }

    /// <summary>Low-res logits <c>[Count, LowResSize, LowResSize]</c>, row-major.</summary>
    public ReadOnlyMemory<float> LowResLogits { get; }

    /// <summary>Index of the highest score (the mask the demo keeps).</summary>
    public int BestIndex
    {
        get
        {
            var scores = Scores.Span;
            var best = 0;
            for (var i = 1; i < scores.Length; i++)
                if (scores[i] > scores[best])
                    best = i;
            return best;
        }
    }

    /// <summary>Mask <paramref name="index"/>, <c>[Height, Width]</c>.</summary>
    public ReadOnlySpan<byte> Mask(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
        return Masks.Span.Slice(index * Height * Width, Height * Width);
    }
}
