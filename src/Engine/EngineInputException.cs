namespace ClipSurgeryWeb.Engine;

/// <summary>
/// Bad input from a user: an unreadable image, a file that is not a checkpoint, an empty label list…
/// <see cref="Subject"/> names the thing (a path, a label, an option) and <see cref="Reason"/> says what is wrong,
/// so every front end can print one clear line. Messages are in the words of whoever reads them, CLI or web page:
/// they never name a command-line flag (a front end adds its own remedy, see <see cref="Checkpoints.NotOfficialChecksumException"/>).
/// </summary>
public class EngineInputException(string subject, string reason, Exception? inner = null)
    : Exception($"{subject}: {reason}", inner)
{
    public string Subject { get; } = subject;

    public string Reason { get; } = reason;
}
