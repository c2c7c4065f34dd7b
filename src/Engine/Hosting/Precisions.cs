using TorchSharp;
using static TorchSharp.torch;

namespace ClipSurgeryWeb.Engine.Hosting;

/// <summary>What a <see cref="Precision"/> means on a device, its tensor type and its spelling.</summary>
public static class Precisions
{
    /// <summary>The precision <see cref="Precision.Auto"/> means on <paramref name="device"/>.</summary>
    public static Precision Resolve(Precision precision, Device device) => precision switch
    {
        Precision.Auto => device.type == DeviceType.CUDA ? Precision.Fp16 : Precision.Fp32,
        _ => precision,
    };

    /// <summary>The tensor type of the half-precision weights (fp32 for <see cref="Precision.Fp32"/>).</summary>
    public static ScalarType ScalarType(Precision resolved) => resolved switch
    {
        Precision.Fp16 => torch.ScalarType.Float16,
        Precision.Bf16 => torch.ScalarType.BFloat16,
        Precision.Fp32 => torch.ScalarType.Float32,
        _ => throw new ArgumentException("resolve Auto against a device first", nameof(resolved)),
    };

    /// <summary>The option's spelling: <c>fp32</c>, <c>fp16</c>, <c>bf16</c>, <c>auto</c>.</summary>
    public static string Name(Precision precision) => precision.ToString().ToLowerInvariant();

    public static Precision Parse(string value) => value.ToLowerInvariant() switch
    {
        "auto" => Precision.Auto,
        "fp32" or "float32" => Precision.Fp32,
        "fp16" or "float16" or "half" => Precision.Fp16,
        "bf16" or "bfloat16" => Precision.Bf16,
        _ => throw new EngineInputException("precision", $"'{value}' is not one of auto, fp32, fp16, bf16"),
    };
}
