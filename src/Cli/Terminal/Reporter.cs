using ClipSurgeryWeb.Engine.Checkpoints;
using ClipSurgeryWeb.Engine.Hosting;

namespace ClipSurgeryWeb.Cli.Terminal;

/// <summary>
/// Everything the CLI tells a person goes to stderr (stdout stays free for data such as <c>records --json</c>):
/// one-line errors and progress lines. Colour only when stderr is a terminal.
/// </summary>
public sealed class Reporter(TextWriter err, bool color, TextWriter? output = null)
{
    public Reporter() : this(Console.Error, !Console.IsErrorRedirected)
    {
    }

    public TextWriter Writer => err;

    /// <summary>Where data goes (tables, JSON): stdout unless a test gives another writer.</summary>
    public TextWriter Output => output ?? Console.Out;

    public bool Interactive => color;

    public void Info(string message) => err.WriteLine(message);

    public void Error(string subject, string reason) => Error($"{subject}: {reason}");

    public void Error(string message) => err.WriteLine(color ? $"\u001b[31merror:\u001b[0m {message}" : $"error: {message}");

    /// <summary>Download progress as a line every 5 % (or every 64 MB when the size is unknown).</summary>
    public IProgress<DownloadProgress> Downloads()
    {
        long lastStep = -1;
        return new SynchronousProgress<DownloadProgress>(p =>
        {
            long step = p.BytesTotal is > 0 ? p.BytesDone * 20 / p.BytesTotal.Value : p.BytesDone >> 26;
            if (step == lastStep)
                return;
            lastStep = step;
            var total = p.BytesTotal is { } t ? $" / {t / 1048576.0:F1} MB ({100.0 * p.BytesDone / t:F0} %)" : "";
            Info($"downloading {p.Name}: {p.BytesDone / 1048576.0:F1} MB{total}");
        });
    }
}
