namespace ClipSurgeryWeb.Engine.Tests.Hosting;

/// <summary>Folders and scripts that look like libtorch installs and pythons, for the discovery tests (nothing here loads).</summary>
internal static class FakeLibTorch
{
    /// <summary>A lib folder with empty files under the names libtorch's libraries have.</summary>
    public static string LibFolder(string dir, params string[] extra)
    {
        Directory.CreateDirectory(dir);
        foreach (var name in new[] { "libc10.so", "libtorch_cpu.so", "libtorch.so" }.Concat(extra))
            File.WriteAllBytes(Path.Combine(dir, name), []);
        return dir;
    }

    /// <summary>An executable shell script standing in for python3: prints <paramref name="stdout"/>, then exits with <paramref name="exitCode"/>.</summary>
    public static string Python(string dir, string stdout, int exitCode = 0, string stderr = "", double sleepSeconds = 0)
    {
        Directory.CreateDirectory(dir);
        var path = Path.Combine(dir, "python3");
        var sleep = sleepSeconds > 0 ? $"sleep {sleepSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture)}\n" : "";
        File.WriteAllText(path, $"#!/bin/sh\n{sleep}cat <<'OUT'\n{stdout}\nOUT\ncat >&2 <<'ERR'\n{stderr}\nERR\nexit {exitCode}\n");
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
    }
}
