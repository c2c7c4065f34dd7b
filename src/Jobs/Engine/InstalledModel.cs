using ClipSurgeryWeb.Jobs.Models;

namespace ClipSurgeryWeb.Jobs.Engine;

/// <param name="Path">Where the file (or Hugging Face / OpenCLIP folder) is on this machine: for the jobs, never shown to members.</param>
/// <param name="Kind">"clip" or "sam".</param>
/// <param name="Format">"torchscript", "state-dict" or "safetensors".</param>
/// <param name="Sha256">Lower-case hex; null while it is being computed (listing a folder never reads whole files).</param>
/// <param name="OfficialName">The official model this file is, by checksum; null for a fine-tune or while the checksum is computed.</param>
/// <param name="Checksum">Done when <paramref name="Sha256"/> is given; <see cref="ModelsFolder"/> says Computing or Failed otherwise.</param>
/// <param name="Layout">A CLIP checkpoint's key layout: "OpenAI", "Hugging Face" or "OpenCLIP"; null for SAM.</param>
/// <param name="Activation">A CLIP checkpoint's MLP activation, "quick_gelu" or "gelu"; null for SAM, or where nothing in its files tells (it cannot run until registered with one).</param>
/// <param name="ActivationSource">Where the activation comes from, in words (a config, the archive's modules, a known name).</param>
/// <param name="VisionTransformer">A CLIP checkpoint's image tower: true a ViT, false a ModifiedResNet (which the dense methods cannot run); null for SAM or where the engine did not tell.</param>
public sealed record InstalledModel(string Name, string Path, string Kind, string Format, long SizeBytes, string? Sha256, string? OfficialName,
    ChecksumState Checksum = ChecksumState.Done, string? Layout = null, string? Activation = null, string? ActivationSource = null,
    bool? VisionTransformer = null)
{
    /// <summary>A CLIP model known to be a ModifiedResNet (an unknown tower counts as none: the engine refuses then).</summary>
    public bool IsResNet => Kind == "clip" && VisionTransformer == false;
}
