namespace ClipSurgeryWeb.Engine.Checkpoints;

/// <summary>
/// A CLIP checkpoint with OpenAI key names whose activation nothing tells (no config beside it, not a TorchScript
/// archive, not an official file, a name in no table): GELU and QuickGELU weights look the same, so it is never guessed.
/// The reason states the fact; each front end says how to state it (the CLI: <c>--activation</c>; the web: a select).
/// </summary>
public sealed class ActivationRequiredException(string path) : EngineInputException(path,
    $"the activation cannot be told: OpenAI-style weights look the same with GELU (OpenCLIP's LAION/DataComp models) and QuickGELU (OpenAI's), "
    + $"there is no {ClipCheckpoint.OpenClipConfig} beside it and its name is in no table of known models; state it (gelu or quick_gelu)");
