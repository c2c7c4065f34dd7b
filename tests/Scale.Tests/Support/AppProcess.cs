using System.Collections.Concurrent;
using System.Diagnostics;

namespace ClipSurgeryWeb.Scale.Tests.Support;

/// <summary>
/// One real process of the app (<c>dotnet ClipSurgeryWeb.Web.dll</c> or the worker) with its configuration in environment
/// variables, as on a machine of its own. Its output is kept line by line so tests wait for what it logs. Killed by its
/// PID (SIGKILL) on <see cref="Kill"/> and on dispose, so a failing test leaves nothing running.
/// </summary>
public sealed class AppProcess : IDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _lines = new();
    private readonly StreamWriter? _log;

    private AppProcess(string name, Process process, string logPath)
    {
        Name = name;
        _process = process;
        LogPath = logPath;
        _log = new StreamWriter(logPath) { AutoFlush = true };
    }

    public string Name { get; }

    public int Id => _process.Id;

    /// <summary>Everything the process wrote (stdout and stderr), also kept in a file beside the test's data for a failure's post-mortem.</summary>
    public string LogPath { get; }

    public IReadOnlyList<string> Lines => _lines.ToArray();

    public bool HasExited => _process.HasExited;

    public static AppProcess Start(string name, string dll, string workingDirectory, IReadOnlyDictionary<string, string> environment,
        string logPath)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(dll);
        start.Environment["DOTNET_NOLOGO"] = "1";
        // Plain console lines, one message each, without colours: what the tests read.
        start.Environment["Logging__Console__FormatterName"] = "simple";
        start.Environment["Logging__Console__FormatterOptions__SingleLine"] = "true";
        start.Environment["Logging__Console__FormatterOptions__ColorBehavior"] = "Disabled";
        foreach (var (key, value) in environment)
            start.Environment[key] = value;
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var app = new AppProcess(name, process, logPath);
        process.OutputDataReceived += (_, e) => app.Add(e.Data);
        process.ErrorDataReceived += (_, e) => app.Add(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return app;
    }

    private void Add(string? line)
    {
        if (line is null)
            return;
        _lines.Enqueue(line);
        lock (_lines)
        {
            try { _log?.WriteLine(line); }
            catch (ObjectDisposedException) { }
        }
    }

    /// <summary>Waits until the process logs a line that <paramref name="match"/> accepts; the timeout only turns a hang into a failure.</summary>
    public async Task<string> WaitForLineAsync(Func<string, bool> match, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (Lines.FirstOrDefault(match) is { } line)
                return line;
            if (_process.HasExited)
                throw new InvalidOperationException($"{Name} exited ({_process.ExitCode}) before {what}; its log: {LogPath}\n{Tail()}");
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"{Name} did not log {what}; its log: {LogPath}\n{Tail()}");
            await Task.Delay(100);
        }
    }

    public string Tail(int lines = 40) => string.Join('\n', Lines.TakeLast(lines));

    /// <summary><c>kill -9</c>: no shutdown, nothing flushed, as a machine losing power.</summary>
    public void Kill()
    {
        try
        {
            if (!_process.HasExited)
                _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException) { }
        _process.WaitForExit(30_000);
    }

    public void Dispose()
    {
        Kill();
        _process.Dispose();
        lock (_lines)
            _log?.Dispose();
    }
}
