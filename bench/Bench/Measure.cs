using System.Diagnostics;
using TorchSharp;
using static TorchSharp.torch;

namespace ClipSurgeryWeb.Bench;

/// <summary>Wall-clock timing that waits for the device (CUDA work is asynchronous), and the statistics the reports print.</summary>
public static class Measure
{
    public static void Sync(Device device)
    {
        if (device.type == DeviceType.CUDA)
            torch.cuda.synchronize();
    }

    /// <summary>Seconds of each of <paramref name="repeats"/> calls of <paramref name="action"/>, after <paramref name="warmups"/> untimed ones.</summary>
    public static double[] Seconds(Device device, int repeats, Action action, int warmups = 1)
    {
        for (int i = 0; i < warmups; i++)
            action();
        Sync(device);
        var times = new double[repeats];
        for (int i = 0; i < repeats; i++)
        {
            var sw = Stopwatch.StartNew();
            action();
            Sync(device);
            times[i] = sw.Elapsed.TotalSeconds;
        }
        return times;
    }

    public static double Median(IReadOnlyList<double> values)
    {
        var sorted = values.Order().ToArray();
        int n = sorted.Length;
        return n == 0 ? double.NaN : n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    /// <summary>min, median, max in seconds: on a shared machine the minimum is the figure least disturbed by other work.</summary>
    public static Dictionary<string, double> Stats(IReadOnlyList<double> seconds) => new()
    {
        ["min_s"] = seconds.Min(),
        ["median_s"] = Median(seconds),
        ["max_s"] = seconds.Max(),
        ["n"] = seconds.Count,
    };
}
