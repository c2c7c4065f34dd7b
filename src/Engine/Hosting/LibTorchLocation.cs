namespace ClipSurgeryWeb.Engine.Hosting;

/// <summary>
/// A libtorch the engine can load: its lib folder, where it came from, its version (null when only TorchSharp can
/// say, for the bundled one) and the CUDA version it was built for (null: a CPU build, or unknown).
/// </summary>
public sealed record LibTorchLocation(LibTorchOrigin Origin, string Folder, string? Version, string? CudaVersion, bool HasCuda)
{
    /// <summary>How the start-up line names the origin: <c>bundled</c>, <c>from ClipSurgery:LibTorchDir</c> …</summary>
    public string OriginText => Origin switch
    {
        LibTorchOrigin.Bundled => "bundled",
        LibTorchOrigin.Setting => $"from {LibTorchLocator.Setting}",
        LibTorchOrigin.Environment => $"from {LibTorchLocator.EnvironmentVariable}",
        _ => "from python3",
    };
}
