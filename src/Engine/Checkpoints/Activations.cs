namespace ClipSurgeryWeb.Engine.Checkpoints;

/// <summary>The names used by configs and flags: <c>quick_gelu</c>, <c>gelu</c> (as Hugging Face's <c>hidden_act</c>).</summary>
public static class Activations
{
    public static string Name(Activation activation) => activation == Activation.Gelu ? "gelu" : "quick_gelu";

    public static Activation? TryParse(string? name) => name?.Trim().ToLowerInvariant() switch
    {
        "quick_gelu" or "quickgelu" => Activation.QuickGelu,
        "gelu" => Activation.Gelu,
        _ => null,
    };

    /// <exception cref="EngineInputException">Anything but gelu or quick_gelu.</exception>
    public static Activation Parse(string name) =>
        TryParse(name) ?? throw new EngineInputException("activation", $"'{name}' is not an activation CLIP uses (gelu or quick_gelu)");
}
