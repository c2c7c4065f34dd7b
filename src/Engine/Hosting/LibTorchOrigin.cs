namespace ClipSurgeryWeb.Engine.Hosting;

/// <summary>Where the process's libtorch came from (see <see cref="LibTorchLocator"/>).</summary>
public enum LibTorchOrigin
{
    /// <summary>The NuGet libtorch the default build copies beside the app (TorchSharp-cpu).</summary>
    Bundled,

    /// <summary>The <c>ClipSurgery:LibTorchDir</c> setting.</summary>
    Setting,

    /// <summary>The <c>CLIPSURGERY_LIBTORCH</c> environment variable.</summary>
    Environment,

    /// <summary>The <c>torch/lib</c> folder of the <c>python3</c> on PATH.</summary>
    Python,
}
