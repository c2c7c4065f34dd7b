namespace ClipSurgeryWeb.Jobs.Engine;

/// <summary>Bad input for the engine: names the thing (<see cref="Subject"/>) and why it was refused.</summary>
public sealed class EngineInputException(string subject, string reason) : Exception($"{subject}: {reason}")
{
    public string Subject { get; } = subject;

    public string Reason { get; } = reason;
}
