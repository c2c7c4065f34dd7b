using System.Runtime.InteropServices;

namespace ClipSurgeryWeb.Engine.Explaining;

/// <summary>
/// Free memory of a CUDA device, asked of the CUDA runtime (<c>cudaMemGetInfo</c>) that a CUDA libtorch has already
/// loaded into the process: TorchSharp 0.107 exposes no memory query. Null when no runtime library can be found or
/// the call fails (a CPU-only libtorch, another runtime version): callers then plan without a memory bound.
/// </summary>
internal static class CudaMemory
{
    /// <summary>The runtime's soname per CUDA major version, newest first (PyTorch wheels ship one of them).</summary>
    private static readonly string[] Libraries = ["libcudart.so.13", "libcudart.so.12", "libcudart.so.11.0", "libcudart.so", "cudart64_12.dll", "cudart64_110.dll"];

    private static readonly Lazy<Runtime?> Loaded = new(Load);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate int MemGetInfo(out nuint free, out nuint total);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate int GetDevice(out int device);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate int SetDevice(int device);

    private sealed record Runtime(MemGetInfo MemGetInfo, GetDevice GetDevice, SetDevice SetDevice);

    /// <summary>Free bytes on device <paramref name="index"/>, or null when the runtime cannot say.</summary>
    public static long? FreeBytes(int index)
    {
        if (Loaded.Value is not { } cuda)
            return null;
        try
        {
            if (cuda.GetDevice(out var current) != 0)
                return null;
            if (current != index && cuda.SetDevice(index) != 0)
                return null;
            try
            {
                return cuda.MemGetInfo(out var free, out _) == 0 ? (long)free : null;
            }
            finally
            {
                if (current != index)
                    cuda.SetDevice(current);
            }
        }
        catch (Exception e) when (e is SEHException or EntryPointNotFoundException or MarshalDirectiveException)
        {
            return null;
        }
    }

    private static Runtime? Load()
    {
        foreach (var name in Libraries)
        {
            if (!NativeLibrary.TryLoad(name, out var handle))
                continue;
            if (NativeLibrary.TryGetExport(handle, "cudaMemGetInfo", out var memGetInfo)
                && NativeLibrary.TryGetExport(handle, "cudaGetDevice", out var getDevice)
                && NativeLibrary.TryGetExport(handle, "cudaSetDevice", out var setDevice))
            {
                return new Runtime(
                    Marshal.GetDelegateForFunctionPointer<MemGetInfo>(memGetInfo),
                    Marshal.GetDelegateForFunctionPointer<GetDevice>(getDevice),
                    Marshal.GetDelegateForFunctionPointer<SetDevice>(setDevice));
            }
        }
        return null;
    }
}
