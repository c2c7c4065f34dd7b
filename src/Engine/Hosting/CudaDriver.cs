using System.Runtime.InteropServices;
using System.Text;

namespace ClipSurgeryWeb.Engine.Hosting;

/// <summary>
/// A GPU's name and memory, from the NVIDIA driver's own library (<c>libcuda.so.1</c>, the CUDA driver API):
/// TorchSharp 0.107 exposes <c>cuda.is_available</c> and <c>device_count</c> but no device name or memory. The
/// driver numbers GPUs as CUDA does (honouring <c>CUDA_VISIBLE_DEVICES</c>), unlike <c>nvidia-smi</c>'s PCI order.
/// </summary>
public static class CudaDriver
{
    private const string Library = "libcuda.so.1";

    /// <summary>"NVIDIA H200, 139.8 GiB", or null and the reason when the driver cannot say.</summary>
    public static string? Describe(int ordinal, out string why)
    {
        why = "";
        try
        {
            var status = CuInit(0);
            if (status != 0)
            {
                why = $"cuInit failed (CUDA driver error {status})";
                return null;
            }
            status = CuDeviceGet(out var device, ordinal);
            if (status != 0)
            {
                why = $"cuDeviceGet({ordinal}) failed (CUDA driver error {status})";
                return null;
            }
            var name = new byte[256];
            status = CuDeviceGetName(name, name.Length, device);
            if (status != 0)
            {
                why = $"cuDeviceGetName failed (CUDA driver error {status})";
                return null;
            }
            status = CuDeviceTotalMem(out var bytes, device);
            var text = Encoding.ASCII.GetString(name, 0, Math.Max(0, Array.IndexOf(name, (byte)0)));
            return status == 0 ? $"{text}, {bytes / (1024.0 * 1024 * 1024):0.0} GiB" : text;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            why = $"{Library} does not load ({e.Message.Split('\n')[0]})";
            return null;
        }
    }

    [DllImport(Library, EntryPoint = "cuInit")]
    private static extern int CuInit(uint flags);

    [DllImport(Library, EntryPoint = "cuDeviceGet")]
    private static extern int CuDeviceGet(out int device, int ordinal);

    [DllImport(Library, EntryPoint = "cuDeviceGetName")]
    private static extern int CuDeviceGetName([Out] byte[] name, int length, int device);

    [DllImport(Library, EntryPoint = "cuDeviceTotalMem_v2")]
    private static extern int CuDeviceTotalMem(out nuint bytes, int device);
}
