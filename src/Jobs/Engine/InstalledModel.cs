namespace ClipSurgeryWeb.Jobs.Engine;

/// <param name="Kind">"clip" or "sam".</param>
/// <param name="Format">"torchscript", "state-dict" or "safetensors".</param>
public sealed record InstalledModel(string Name, string Path, string Kind, string Format, long SizeBytes, string Sha256, string? OfficialName);
