namespace ClipSurgeryWeb.Jobs.Models;

/// <summary>
/// A fine-tune refused because nothing in its files tells GELU from QuickGELU (OpenAI-style weights without a config):
/// the Models page asks the admin to choose the activation and register it again, instead of guessing.
/// </summary>
public sealed class ActivationChoiceRequiredException(string subject, string reason) : Exception($"{subject}: {reason}")
{
    public string Subject { get; } = subject;

    public string Reason { get; } = reason;
}
