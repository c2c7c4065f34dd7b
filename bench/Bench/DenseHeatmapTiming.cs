using System.Diagnostics;
using TorchSharp;

namespace ClipSurgeryWeb.Bench;

/// <summary>
/// <see cref="DenseHeatmapBenchmarks"/> timed by the process's CPU time as well as the wall clock, on one torch thread:
/// on a CPU shared with other work the wall clock mostly measures the others, the CPU time this work.
/// <c>heatmaps [--calls N]</c>, models from <c>CLIPSURGERY_BENCH_MODELS</c> as the benchmark's.
/// </summary>
public static class DenseHeatmapTiming
{
    public static int Run(string[] args)
    {
        int calls = args.Length >= 2 && args[0] == "--calls" ? int.Parse(args[1]) : 5;
        torch.set_num_threads(1);
        foreach (var model in DenseHeatmapBenchmarks.Models())
        {
            foreach (var methods in new[] { "naclip", "naclip,sclip,clip_dense,kk_reduced" })
            {
                var bench = new DenseHeatmapBenchmarks { Model = model, Methods = methods };
                bench.Setup();
                var process = Process.GetCurrentProcess();
                process.Refresh();
                var cpu = process.TotalProcessorTime;
                var wall = Stopwatch.StartNew();
                for (int i = 0; i < calls; i++)
                    bench.Explain();
                wall.Stop();
                process.Refresh();
                var used = process.TotalProcessorTime - cpu;
                Console.WriteLine($"{model,-9} {methods,-36} calls {calls}: CPU {used.TotalMilliseconds / calls,8:F1} ms/image, wall {wall.Elapsed.TotalMilliseconds / calls,8:F1} ms/image");
                bench.Cleanup();
            }
        }
        return 0;
    }
}
