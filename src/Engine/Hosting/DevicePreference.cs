namespace ClipSurgeryWeb.Engine.Hosting;

/// <summary>Where tensors live: CUDA when TorchSharp reports it (<see cref="Auto"/>), or forced.</summary>
public enum DevicePreference
{
    Auto,
    Cpu,
    Cuda,
}
