namespace ClipSurgeryWeb.Jobs.Models;

/// <summary>One file of a fine-tune's registration: a checkpoint, its config, or a .zip of its folder.</summary>
public sealed record ModelUpload(Stream Content, string FileName);
