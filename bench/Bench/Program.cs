using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;

// dotnet run -c Release --project bench/Bench -- --filter '*'   (add --job short for a quick look)
var config = DefaultConfig.Instance.AddJob(Job.Default.WithWarmupCount(2).WithIterationCount(8).WithId("engine"));
BenchmarkSwitcher.FromAssembly(typeof(ClipSurgeryWeb.Bench.ClipBenchmarks).Assembly).Run(args, config);
