using System.Diagnostics;
using ClipSurgeryWeb.Engine.Hosting;
using ClipSurgeryWeb.Engine.Tests.Support;

namespace ClipSurgeryWeb.Engine.Tests.Hosting;

/// <summary>
/// The CUDA flavour's situation, on this machine: a <c>clipsurgery</c> with no libtorch beside it (a copy of the CLI
/// without libtorch's libraries, as <c>-p:TorchBackend=cuda</c> builds it) runs on a libtorch found at run time,
/// from <c>CLIPSURGERY_LIBTORCH</c> or from the <c>python3</c> on PATH (a fake one that prints a folder), and
/// refuses an unusable folder naming it. The libtorch given is the one this test process runs on.
/// </summary>
public sealed class LibTorchProcessTests(LibTorchProcessTests.CliWithoutLibTorch cli) : IClassFixture<LibTorchProcessTests.CliWithoutLibTorch>, IDisposable
{
    private readonly TempFolder temp = new("libtorch-process-");
    private readonly string app = cli.App;
    private readonly string libtorch = LibTorchRuntime.EnsureLoaded().Folder;

    [Fact]
    public void A_cli_without_libtorch_runs_on_the_folder_named_by_CLIPSURGERY_LIBTORCH()
    {
        var result = Run(["device", "--device", "cpu"], new() { [LibTorchLocator.EnvironmentVariable] = libtorch });

        Assert.True(result.Code == 0, result.Errors);
        Assert.StartsWith("engine: device cpu (", result.Output);
        Assert.Contains($"from CLIPSURGERY_LIBTORCH ({libtorch})", result.Output);
        Assert.Contains("· precision fp32", result.Output);
    }

    [Fact]
    public void A_cli_without_libtorch_asks_python3_on_PATH_for_its_torch_lib_folder()
    {
        var bin = temp["fake-python"];
        FakeLibTorch.Python(bin, $"{libtorch}\n2.10.0+fake\n");

        var result = Run(["device"], new()
        {
            [LibTorchLocator.EnvironmentVariable] = null,
            ["PATH"] = $"{bin}:{Environment.GetEnvironmentVariable("PATH")}",
        });

        Assert.True(result.Code == 0, result.Errors);
        Assert.Contains($"libtorch 2.10.0+fake, CPU build, from python3 ({libtorch})", result.Output);
        Assert.Contains("auto chose the CPU: CUDA is not available: the libtorch in use (from python3) is a CPU build", result.Output);
    }

    [Fact]
    public void A_cli_without_libtorch_refuses_an_unusable_folder_naming_it_and_exits_2()
    {
        var result = Run(["device"], new() { [LibTorchLocator.EnvironmentVariable] = temp["no-such-libtorch"] });

        Assert.Equal(2, result.Code);
        Assert.Equal("", result.Output);
        Assert.Contains($"error: libtorch folder {temp["no-such-libtorch"]} (CLIPSURGERY_LIBTORCH): does not exist", result.Errors);
    }

    [Fact]
    public void A_cli_without_libtorch_asked_for_cuda_on_a_cpu_libtorch_refuses_with_the_reason()
    {
        var result = Run(["device", "--device", "cuda:1"], new() { [LibTorchLocator.EnvironmentVariable] = libtorch });

        Assert.Equal(2, result.Code);
        Assert.Contains("error: --device cuda:1: CUDA is not available", result.Errors);
    }

    private sealed record Result(int Code, string Output, string Errors);

    private Result Run(string[] args, Dictionary<string, string?> environment)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(app, "clipsurgery.dll"));
        foreach (var arg in args)
            start.ArgumentList.Add(arg);
        foreach (var (key, value) in environment)
            start.Environment[key] = value;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("clipsurgery device did not finish within 2 minutes");
        }
        process.WaitForExit();
        return new Result(process.ExitCode, output.Result, errors.Result);
    }

    /// <summary>The CLI as the test build has it, minus every native library but TorchSharp's own (libLibTorchSharp.so); copied once per class.</summary>
    public sealed class CliWithoutLibTorch : IDisposable
    {
        private readonly TempFolder folder = new("cli-without-libtorch-");

        public CliWithoutLibTorch() => App = Copy(folder["app"]);

        public string App { get; }

        public void Dispose() => folder.Dispose();
    }

    private static string Copy(string target)
    {
        var source = AppContext.BaseDirectory;
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(source, file);
            var native = relative.StartsWith("runtimes" + Path.DirectorySeparatorChar, StringComparison.Ordinal) || relative.Contains(".so");
            if (native && Path.GetFileName(file) != "libLibTorchSharp.so")
                continue;
            var destination = Path.Combine(target, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            File.Copy(file, destination);
        }
        Assert.Null(LibTorchLocator.BundledFolder(target));
        return target;
    }

    public void Dispose() => temp.Dispose();
}
