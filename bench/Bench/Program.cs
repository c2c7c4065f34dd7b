using ClipSurgeryWeb.Bench;

// dotnet run -c Release --project bench/Bench -- e2e   [--device cpu|cuda] [--precision fp32|fp16|bf16] [--images N] [--arch ViT-B/16] [--json FILE]
// dotnet run -c Release --project bench/Bench -- micro [--device cpu|cuda] [BenchmarkDotNet options, e.g. --filter '*']
// dotnet run -c Release --project bench/Bench -- parts --checkpoint FILE [--device …] [--json FILE]   (ours, for scripts/bench-side-by-side.sh)
// dotnet run -c Release --project bench/Bench -- goals [--device cuda] [--sections cs-fp32,vitl-fp16,opinions,sam] [--json FILE]   (issue 9's GPU goals)
// dotnet run -c Release --project bench/Bench -- heatmaps [--calls N]   (DenseHeatmapBenchmarks by CPU time, one torch thread; CLIPSURGERY_BENCH_MODELS=tiny for one model)
// dotnet run -c Release --project bench/Bench -- eval [--model ViT-B/16|tiny] [--images N] [--methods naclip,sclip] [--pamr on|off]   (an eval's images/s, each method under its VOC21 protocol)
// Without a command (or with BenchmarkDotNet options first) the microbenchmarks run, as before.
try
{
    return args.FirstOrDefault() switch
    {
        "e2e" => EndToEnd.Run(BenchArgs.Parse(args[1..])),
        "parts" => OursParts.Run(BenchArgs.Parse(args[1..])),
        "micro" => Micro.Run(args[1..]),
        "goals" => GpuGoals.Run(args[1..]),
        "heatmaps" => DenseHeatmapTiming.Run(args[1..]),
        "eval" => EvalTiming.Run(args[1..]),
        _ => Micro.Run(args),
    };
}
catch (BenchArgsException e)
{
    Console.Error.WriteLine($"bench: {e.Message}");
    return 2;
}
