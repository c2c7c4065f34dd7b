namespace ClipSurgeryWeb.Engine.Hosting;

/// <summary>What <see cref="EngineStartup.Report"/> found: the device, the resolved precision, the libtorch, and the one line hosts log.</summary>
public sealed record EngineStartupReport(DeviceChoice Device, Precision Precision, LibTorchLocation LibTorch, string Line);
