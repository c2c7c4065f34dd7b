using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace ClipSurgeryWeb.Bench;

/// <summary>The BenchmarkDotNet microbenchmarks (<see cref="ClipBenchmarks"/>): in-process, 2 warm-ups, 8 iterations.</summary>
public static class Micro
{
    public static int Run(string[] args)
    {
        // --device is ours, not BenchmarkDotNet's: it travels to the benchmark class through the environment.
        var rest = new List<string>();
        for (int i = 0; i < args.Length; i++)
        {
            if (args[i] == "--device" && i + 1 < args.Length)
                Environment.SetEnvironmentVariable("CLIPSURGERY_DEVICE", args[++i]);
            else
                rest.Add(args[i]);
        }
        if (rest.Count == 0)
            rest.AddRange(["--filter", "*"]);
        // In-process: the benchmarks run in this build's output, whose TorchSharp native library the build has made loadable.
        // 20 minutes, not the toolchain's 5: a full-size model's setup (random weights written and loaded, the text
        // features of every label) and several seconds an operation on a shared CPU run past 5.
        var config = DefaultConfig.Instance.AddJob(Job.Default
            .WithToolchain(new InProcessEmitToolchain(TimeSpan.FromMinutes(20), logOutput: true))
            .WithWarmupCount(2)
            .WithIterationCount(8)
            .WithId("engine"));
        BenchmarkSwitcher.FromAssembly(typeof(ClipBenchmarks).Assembly).Run(rest.ToArray(), config);
        return 0;
    }
}
