using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

// dotnet run -c Release --project bench/Bench -- --filter '*'
// In-process: the benchmarks run in this build's output, whose TorchSharp native library the build has made loadable.
var config = DefaultConfig.Instance.AddJob(Job.Default
    .WithToolchain(InProcessEmitToolchain.Instance)
    .WithWarmupCount(2)
    .WithIterationCount(8)
    .WithId("engine"));
BenchmarkSwitcher.FromAssembly(typeof(ClipSurgeryWeb.Bench.ClipBenchmarks).Assembly).Run(args, config);
