using ClipSurgeryWeb.Engine.Checkpoints;
using TorchSharp;
using static TorchSharp.torch;

namespace ClipSurgeryWeb.Engine.Explaining;

/// <summary>
/// How many images go through the image encoder together. The setting (1…<see cref="MaxSize"/>) is the batch on the
/// CPU. On CUDA it is also bounded by the device's free memory over an estimate of one image's activations; TorchSharp
/// 0.107 has no CUDA memory query, so free memory comes from the CUDA runtime the loaded libtorch already uses
/// (<see cref="CudaMemory"/>), and where that cannot be asked the setting stands and an out-of-memory error halves the
/// batch (<see cref="ClipExplainer.ExplainMany"/>).
/// </summary>
public static class ImageBatching
{
    public const int MaxSize = 256;

    /// <summary>Share of the free device memory one batch may plan to use (the rest: the allocator's slack, the text tower).</summary>
    public const double FreeMemoryShare = 0.7;

    /// <summary><paramref name="size"/> when it is 1…<see cref="MaxSize"/>; otherwise refused, naming <paramref name="subject"/> (the option that set it).</summary>
    public static int Checked(int size, string subject) => size is >= 1 and <= MaxSize
        ? size
        : throw new EngineInputException(subject, $"{size} images per encoder batch is outside 1…{MaxSize}");

    /// <summary>
    /// A generous estimate of the device bytes one image's encoding holds at its peak, from the model's sizes.
    /// ViT at L = 1 + (R/p)² tokens and width C: every block's output stays alive until the encoder returns (the dual
    /// path keeps two), a block's own temporaries (q, k, v, the 4·C MLP, norms) are some 16·L·C, and attention that
    /// materialises its scores holds 2·H·L² (two paths). ModifiedResNet: its widest stage (4·width channels at R/4) a few
    /// dozen times over. Times the element size of the weights (2 for fp16/bf16, 4 for fp32).
    /// </summary>
    public static long BytesPerImage(ClipConfig config, int resolution, int elementSize)
    {
        long elements;
        if (config.IsVisionTransformer)
        {
            long side = resolution / config.VisionPatchSize!.Value;
            long tokens = 1 + side * side;
            long width = config.VisionWidth;
            long layers = config.VisionLayers[0] + 2L * Models.VisionTransformer.SurgeryBlocks;
            elements = (layers + 16) * tokens * width + 2L * config.VisionHeads * tokens * tokens;
        }
        else
        {
            long side = resolution / 4;
            elements = 64L * config.VisionWidth * side * side;
        }
        return (elements + 3L * resolution * resolution) * elementSize;
    }

    /// <summary>
    /// The batch to plan with: <paramref name="setting"/>, on CUDA no more than the free memory allows for
    /// <paramref name="bytesPerImage"/> each (at least 1); the setting alone on the CPU or where free memory is unknown.
    /// </summary>
    public static int Bound(int setting, Device device, long bytesPerImage, long? freeBytes = null)
    {
        if (device.type != DeviceType.CUDA)
            return setting;
        var free = freeBytes ?? CudaMemory.FreeBytes(Math.Max(0, device.index));
        if (free is not { } bytes || bytesPerImage <= 0)
            return setting;
        return (int)Math.Clamp((long)(bytes * FreeMemoryShare) / bytesPerImage, 1, setting);
    }

    /// <summary>Whether <paramref name="e"/> is the device running out of memory (libtorch's "CUDA out of memory", whatever exception TorchSharp wraps it in, or the CPU allocator's).</summary>
    public static bool IsOutOfMemory(Exception e) =>
        e is OutOfMemoryException || e.Message.Contains("out of memory", StringComparison.OrdinalIgnoreCase);
}
