namespace ClipSurgeryWeb.Engine.Checkpoints;

/// <summary>
/// The transformer MLP's activation. OpenAI's CLIP uses QuickGELU (<c>x·σ(1.702x)</c>); OpenCLIP's LAION and DataComp
/// models use exact GELU. Both have no parameters, so the weights cannot tell them apart: it comes from the checkpoint's
/// layout (config files, the TorchScript archive's module classes, a known name) or is stated by the user.
/// </summary>
public enum Activation
{
    QuickGelu,
    Gelu,
}
