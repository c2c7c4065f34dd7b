using ClipSurgeryWeb.Jobs.Models;

namespace ClipSurgeryWeb.Jobs.Engine;

/// <param name="Path">Where the file is on this machine: for the jobs, never shown to members.</param>
/// <param name="Kind">"clip" or "sam".</param>
/// <param name="Format">"torchscript", "state-dict" or "safetensors".</param>
/// <param name="Sha256">Lower-case hex; null while it is being computed (listing a folder never reads whole files).</param>
/// <param name="OfficialName">The official model this file is, by checksum; null for a fine-tune or while the checksum is computed.</param>
/// <param name="Checksum">Done when <paramref name="Sha256"/> is given; <see cref="ModelCatalog"/> says Computing or Failed otherwise.</param>
public sealed record InstalledModel(string Name, string Path, string Kind, string Format, long SizeBytes, string? Sha256, string? OfficialName,
    ChecksumState Checksum = ChecksumState.Done);
