namespace ClipSurgeryWeb.Engine.Hosting;

/// <summary>The kind of device asked for: <see cref="Auto"/> (CUDA when usable, else CPU), the CPU, or a CUDA GPU.</summary>
public enum DeviceKind
{
    Auto,
    Cpu,
    Cuda,
}
