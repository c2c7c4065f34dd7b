using ClipSurgeryWeb.Engine.Hosting;
using ClipSurgeryWeb.Engine.Tests.Support;
using TorchSharp;

namespace ClipSurgeryWeb.Engine.Tests.Hosting;

/// <summary>
/// Device choice and the start-up line, on whatever machine runs the tests: without a usable CUDA (this project's
/// machines) <c>cuda</c> is refused with the reason and <c>auto</c> falls back to the CPU saying why; with one, the
/// same tests check the GPU side (a GPU number beyond the count is refused with the count).
/// </summary>
public sealed class ComputeDeviceTests
{
    private static bool CudaUsable => torch.cuda.is_available();

    [Fact]
    public void Cuda_without_a_usable_cuda_is_refused_with_the_reason()
    {
        LibTorchRuntime.EnsureLoaded();
        if (CudaUsable)
        {
            Assert.Equal("cuda:0", ComputeDevice.Choose(DevicePreference.Cuda).Name);
            return;
        }

        var e = Assert.Throws<EngineInputException>(() => ComputeDevice.Resolve(DevicePreference.Cuda));

        Assert.Equal("device cuda:0", e.Subject);
        Assert.StartsWith("CUDA is not available", e.Reason);
        if (LibTorchRuntime.Loaded is { HasCuda: false } libtorch)
            Assert.Contains($"the libtorch in use ({libtorch.OriginText}) is a CPU build", e.Reason);
    }

    [Fact]
    public void A_gpu_number_beyond_the_count_is_refused_with_the_count()
    {
        LibTorchRuntime.EnsureLoaded();
        var e = Assert.Throws<EngineInputException>(() => ComputeDevice.Choose(DevicePreference.CudaAt(97)));

        Assert.Equal("device cuda:97", e.Subject);
        if (!CudaUsable)
        {
            Assert.StartsWith("CUDA is not available", e.Reason);
            return;
        }
        var count = torch.cuda.device_count();
        Assert.Contains(count == 1 ? "there is 1 GPU (cuda:0), no cuda:97" : $"there are {count} GPUs (cuda:0 … cuda:{count - 1}), no cuda:97", e.Reason);
    }

    [Fact]
    public void Auto_falls_back_to_the_cpu_and_the_startup_line_says_why()
    {
        var report = EngineStartup.Report(DevicePreference.Auto, Precision.Auto);

        Assert.StartsWith("engine: device ", report.Line);
        Assert.DoesNotContain('\n', report.Line);
        Assert.Contains($"libtorch {report.LibTorch.Version ?? "2.10.0"}", report.Line);
        Assert.Contains($"{report.LibTorch.OriginText} ({report.LibTorch.Folder})", report.Line);
        if (CudaUsable)
        {
            Assert.Equal("cuda:0", report.Device.Name);
            Assert.Null(report.Device.Fallback);
            Assert.Equal(Precision.Fp16, report.Precision);
            Assert.Contains("precision fp16 (auto)", report.Line);
            return;
        }
        Assert.Equal("cpu", report.Device.Name);
        Assert.Equal(Precision.Fp32, report.Precision);
        Assert.StartsWith("CUDA is not available", report.Device.Fallback);
        Assert.Contains($"device cpu ({torch.get_num_threads()} threads; auto chose the CPU: {report.Device.Fallback})", report.Line);
        Assert.EndsWith("· precision fp32 (auto)", report.Line);
    }

    [Fact]
    public void The_startup_line_shows_the_precision_asked_for_and_the_cpu_without_a_fallback_when_cpu_is_asked_for()
    {
        var report = EngineStartup.Report(DevicePreference.Cpu, Precision.Bf16);

        Assert.Equal("cpu", report.Device.Name);
        Assert.Null(report.Device.Fallback);
        Assert.Equal(Precision.Bf16, report.Precision);
        Assert.DoesNotContain("auto chose", report.Line);
        Assert.EndsWith("· precision bf16", report.Line);
    }

    [Fact]
    public void A_process_keeps_its_libtorch_and_refuses_another_folder_later()
    {
        var loaded = LibTorchRuntime.EnsureLoaded();
        using var other = new TempFolder("other-libtorch-");

        var e = Assert.Throws<EngineInputException>(() => LibTorchRuntime.EnsureLoaded(other.Path));

        Assert.Contains(other.Path, e.Subject);
        Assert.Contains($"already runs libtorch {loaded.OriginText} ({loaded.Folder})", e.Reason);
        Assert.Same(loaded, LibTorchRuntime.EnsureLoaded());
    }
}
