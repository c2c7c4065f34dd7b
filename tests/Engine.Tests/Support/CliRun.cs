using ClipSurgeryWeb.Cli;
using ClipSurgeryWeb.Cli.Terminal;

namespace ClipSurgeryWeb.Engine.Tests.Support;

/// <summary>Runs the <c>clipsurgery</c> command tree in-process and keeps what it wrote to stderr and stdout.</summary>
public static class CliRun
{
    public sealed record Result(int ExitCode, string Errors, string Output);

    public static async Task<Result> RunAsync(string[] args, TextWriter? errors = null, CancellationToken ct = default)
    {
        errors ??= new StringWriter();
        var output = new StringWriter();
        var code = await CliApp.RunAsync(args, new Reporter(errors, false, output), ct);
        return new Result(code, errors.ToString()!, output.ToString());
    }

    /// <summary>A stderr that cancels <paramref name="cts"/> once a line starting with <paramref name="prefix"/> is written.</summary>
    public sealed class CancelOnLine(string prefix, CancellationTokenSource cts) : StringWriter
    {
        public override void WriteLine(string? value)
        {
            base.WriteLine(value);
            if (value?.StartsWith(prefix, StringComparison.Ordinal) == true)
                cts.Cancel();
        }
    }
}
