namespace ClipSurgeryWeb.Engine;

/// <summary>
/// Bad input from a user: an unreadable image, a file that is not a checkpoint, an empty label list…
/// <see cref="Subject"/> names the thing (a path, a label, an option) and <see cref="Reason"/> says what is wrong,
/// so every front end can print one clear line.
/// </summary>
public sealed class EngineInputException(string subject, string reason, Exception? inner = null)
    : Exception($"{subject}: {reason}", inner)
{
    public string Subject { get; } = subject;

    public string Reason { get; } = reason;
}
