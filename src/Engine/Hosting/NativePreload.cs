using System.Runtime.InteropServices;

namespace ClipSurgeryWeb.Engine.Hosting;

/// <summary>
/// Loads a libtorch lib folder's libraries by full path, dependencies first, with <c>RTLD_GLOBAL</c>, before
/// TorchSharp's first native call. TorchSharp then loads <c>libLibTorchSharp.so</c> (and asks for
/// <c>torch_cpu</c>/<c>torch_cuda</c> by bare name, see its <c>LoadNativeBackend</c>): the dynamic loader resolves
/// those needs by soname to the libraries already loaded here, so no <c>LD_LIBRARY_PATH</c> is needed.
/// </summary>
internal static class NativePreload
{
    private const int RtldNow = 0x2;
    private const int RtldGlobal = 0x100;

    /// <summary>libtorch's own order: global deps (CUDA runtime libraries, as Python's torch loads them), c10, the CPU library, then the CUDA ones, then the front library.</summary>
    private static readonly (string Name, bool Required)[] Order =
    [
        ("libtorch_global_deps.so", false),
        ("libc10.so", true),
        ("libtorch_cpu.so", true),
        ("libc10_cuda.so", false),
        ("libtorch_cuda.so", false),
        ("libtorch.so", true),
    ];

    /// <summary>Loads <paramref name="folder"/>'s libraries; refuses with the library and the loader's message when one fails.</summary>
    public static void Load(string folder, string subject)
    {
        foreach (var (name, required) in Order)
        {
            var path = Path.Combine(folder, name);
            if (!File.Exists(path))
                continue;
            if (Open(path, out var error))
                continue;
            // An optional library that will not load: the CUDA ones matter, so say so; global_deps only helps.
            if (required || name is "libtorch_cuda.so" or "libc10_cuda.so")
                throw new EngineInputException(subject, $"{name} does not load: {error}");
        }
    }

    private static bool Open(string path, out string error)
    {
        error = "";
        try
        {
            if (DlOpen(path, RtldNow | RtldGlobal) != IntPtr.Zero)
                return true;
            error = Marshal.PtrToStringUTF8(DlError()) ?? "unknown error";
            return false;
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
            // glibc before 2.34 keeps dlopen in libdl; NativeLibrary loads locally, which still satisfies sonames.
            if (NativeLibrary.TryLoad(path, out _))
                return true;
            error = "the dynamic loader refused it";
            return false;
        }
    }

    [DllImport("libc.so.6", EntryPoint = "dlopen")]
    private static extern IntPtr DlOpen([MarshalAs(UnmanagedType.LPUTF8Str)] string file, int mode);

    [DllImport("libc.so.6", EntryPoint = "dlerror")]
    private static extern IntPtr DlError();
}
