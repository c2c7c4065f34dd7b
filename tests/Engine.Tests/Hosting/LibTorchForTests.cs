using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using ClipSurgeryWeb.Engine.Hosting;

namespace ClipSurgeryWeb.Engine.Tests.Hosting;

/// <summary>
/// Chooses and loads libtorch before any test touches TorchSharp. The default build bundles it (nothing to do); the
/// <c>-p:TorchBackend=cuda</c> build carries none, and many tests call <c>torch.*</c> before any engine code would
/// have found one (CLIPSURGERY_LIBTORCH or python3's torch/lib, see <see cref="LibTorchLocator"/>).
/// </summary>
internal static class LibTorchForTests
{
    [ModuleInitializer]
    [SuppressMessage("Usage", "CA2255", Justification = "A test assembly: libtorch must be loaded before TorchSharp's static constructor runs.")]
    internal static void Load()
    {
        try
        {
            LibTorchRuntime.EnsureLoaded();
        }
        catch (EngineInputException e)
        {
            Console.Error.WriteLine($"libtorch for the tests: {e.Message}");
        }
    }
}
