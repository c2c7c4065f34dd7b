using System.Diagnostics;

namespace ClipSurgeryWeb.Bench;

/// <summary>The process's resident memory (Linux <c>VmRSS</c>, else the working set) and, on CUDA, the GPU memory nvidia-smi reports for this process.</summary>
public static class ProcessMemory
{
    public static long RssBytes()
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/self/status"))
            {
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                    return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) * 1024;
            }
        }
        catch (IOException)
        {
        }
        using var self = Process.GetCurrentProcess();
        return self.WorkingSet64;
    }

    /// <summary>MiB of GPU memory this process holds (libtorch's caching allocator included), or null when nvidia-smi cannot say.</summary>
    public static long? CudaMiB()
    {
        try
        {
            var info = new ProcessStartInfo("nvidia-smi", "--query-compute-apps=pid,used_memory --format=csv,noheader,nounits")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            using var smi = Process.Start(info);
            if (smi is null)
                return null;
            var output = smi.StandardOutput.ReadToEnd();
            smi.WaitForExit(10_000);
            int pid = Environment.ProcessId;
            foreach (var line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                var parts = line.Split(',', StringSplitOptions.TrimEntries);
                if (parts.Length == 2 && int.TryParse(parts[0], out var p) && p == pid && long.TryParse(parts[1], out var mib))
                    return mib;
            }
            return null;
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            return null;
        }
    }
}
