using TorchSharp;
using static TorchSharp.torch;

namespace ClipSurgeryWeb.Engine.Tests.Support;

/// <summary>
/// The device tests compute on: env <c>CLIPSURGERY_TEST_DEVICE</c> = <c>cpu</c> (the default), <c>cuda</c> or
/// <c>cuda:N</c>. Tests that need CUDA carry <c>[Trait("Device", "Cuda")]</c> and <see cref="CudaFactAttribute"/> /
/// <see cref="CudaTheoryAttribute"/>, which mark them skipped, with the reason, when no CUDA device is usable (the
/// default TorchSharp-cpu build has none). CPU cases never depend on this.
/// </summary>
public static class TestDevices
{
    public const string Variable = "CLIPSURGERY_TEST_DEVICE";

    /// <summary>What the environment asks for, lower-cased; <c>cpu</c> when unset.</summary>
    public static string Requested { get; } = Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } value
        ? value.Trim().ToLowerInvariant()
        : "cpu";

    /// <summary>The device the environment asks for.</summary>
    public static Device Device => torch.device(Requested);

    /// <summary>
    /// The CUDA device CUDA-only tests use: the one asked for when it is a CUDA device, else <c>cuda:0</c>
    /// (so a CUDA build runs them even when the environment leaves the general device at cpu).
    /// </summary>
    public static Device Cuda => torch.device(Requested.StartsWith("cuda", StringComparison.Ordinal) ? Requested : "cuda:0");

    /// <summary>Why CUDA tests cannot run here, or null when they can.</summary>
    public static string? CudaSkipReason { get; } = FindCudaSkipReason();

    private static string? FindCudaSkipReason()
    {
        try
        {
            if (!torch.cuda.is_available())
                return $"needs CUDA: this libtorch reports no usable CUDA device ({Variable}={Requested})";
            int index = Cuda.index < 0 ? 0 : Cuda.index;
            if (index >= torch.cuda.device_count())
                return $"needs {Requested}: only {torch.cuda.device_count()} CUDA device(s)";
            return null;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return $"needs CUDA: probing it failed ({e.Message.Split('\n')[0]})";
        }
    }
}
