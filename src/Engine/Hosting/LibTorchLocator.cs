using System.Collections.Concurrent;
using System.ComponentModel;
using System.Diagnostics;
using System.Text.RegularExpressions;

namespace ClipSurgeryWeb.Engine.Hosting;

/// <summary>
/// Finds the libtorch the engine runs on, in this order: the <see cref="Setting"/> (a folder), the
/// <see cref="EnvironmentVariable"/>, the libtorch the default build bundles beside the app, and — only when none is
/// bundled (the <c>-p:TorchBackend=cuda</c> flavour) — the <c>torch/lib</c> folder of the <c>python3</c> on PATH,
/// asked once per process with a timeout. A folder that cannot serve is refused with the folder and the reason.
/// Nothing here touches TorchSharp: its static constructor loads the native library, which must come after the
/// folder is chosen (see <see cref="LibTorchRuntime"/>).
/// </summary>
public static partial class LibTorchLocator
{
    public const string Setting = "ClipSurgery:LibTorchDir";

    public const string EnvironmentVariable = "CLIPSURGERY_LIBTORCH";

    public static readonly TimeSpan PythonTimeout = TimeSpan.FromSeconds(30);

    /// <summary>The libraries a lib folder must hold, in the order they are loaded.</summary>
    public static readonly IReadOnlyList<string> RequiredLibraries = ["libc10.so", "libtorch_cpu.so", "libtorch.so"];

    private const string PythonQuery =
        "import os, torch; print(os.path.dirname(torch.__file__) + '/lib'); print(torch.__version__); print(torch.version.cuda or '')";

    private static readonly ConcurrentDictionary<string, Lazy<PythonAnswer>> PythonAnswers = new();

    /// <summary>The libtorch for this process: <paramref name="settingDir"/> (from <see cref="Setting"/>), else the environment, the bundled one, python3.</summary>
    public static LibTorchLocation Locate(string? settingDir = null) =>
        Locate(settingDir, Environment.GetEnvironmentVariable(EnvironmentVariable), BundledFolder(), "python3", PythonTimeout);

    /// <summary>The search with every input given (tests give a fake python and a missing bundled folder).</summary>
    public static LibTorchLocation Locate(string? settingDir, string? environmentDir, string? bundledDir, string python, TimeSpan pythonTimeout)
    {
        if (!string.IsNullOrWhiteSpace(settingDir))
            return Inspect(settingDir, LibTorchOrigin.Setting);
        if (!string.IsNullOrWhiteSpace(environmentDir))
            return Inspect(environmentDir, LibTorchOrigin.Environment);
        if (bundledDir is not null)
            return new LibTorchLocation(LibTorchOrigin.Bundled, bundledDir, null, null, File.Exists(Path.Combine(bundledDir, "libtorch_cuda.so")));

        var answer = PythonAnswers.GetOrAdd($"{python}\n{pythonTimeout}", _ => new Lazy<PythonAnswer>(() => AskPython(python, pythonTimeout))).Value;
        if (answer.Folder is null)
            throw new EngineInputException("libtorch",
                "this build carries no libtorch (the TorchBackend=cuda flavour) and none was found: set " +
                $"{Setting} or {EnvironmentVariable} to a libtorch lib folder, or install a python3 with torch ({answer.Failure})");
        var found = Inspect(answer.Folder, LibTorchOrigin.Python);
        return found with { Version = answer.Version ?? found.Version, CudaVersion = answer.Cuda ?? found.CudaVersion };
    }

    /// <summary>
    /// The libtorch copied beside the app by the default build (TorchSharp-cpu): the app folder or its
    /// runtimes/linux-x64/native; null when there is none.
    /// </summary>
    public static string? BundledFolder(string? appDir = null)
    {
        appDir ??= AppContext.BaseDirectory;
        foreach (var dir in new[] { appDir, Path.Combine(appDir, "runtimes", "linux-x64", "native") })
        {
            if (File.Exists(Path.Combine(dir, "libtorch_cpu.so")))
                return Path.GetFullPath(dir);
        }
        return null;
    }

    /// <summary>
    /// A folder someone named: the lib folder itself or a libtorch root holding <c>lib/</c>. Refused when it does not
    /// exist or lacks one of <see cref="RequiredLibraries"/>. The version comes from the libtorch zip's
    /// <c>build-version</c>, a pip install's <c>torch/version.py</c>, or a NuGet package's nuspec.
    /// </summary>
    public static LibTorchLocation Inspect(string folder, LibTorchOrigin origin)
    {
        var full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder.Trim()));
        var subject = $"libtorch folder {full} ({Name(origin)})";
        if (!Directory.Exists(full))
            throw new EngineInputException(subject, File.Exists(full) ? "is a file, not a folder" : "does not exist");
        if (!File.Exists(Path.Combine(full, "libtorch_cpu.so")) && File.Exists(Path.Combine(full, "lib", "libtorch_cpu.so")))
            full = Path.Combine(full, "lib");
        var missing = RequiredLibraries.Where(lib => !File.Exists(Path.Combine(full, lib))).ToList();
        if (missing.Count > 0)
            throw new EngineInputException(subject,
                $"has no {string.Join(", ", missing)}: not a libtorch lib folder (it needs {string.Join(", ", RequiredLibraries)})");

        var hasCuda = File.Exists(Path.Combine(full, "libtorch_cuda.so"));
        var (version, cuda) = ReadVersion(full);
        return new LibTorchLocation(origin, full, version, cuda, hasCuda);
    }

    private static string Name(LibTorchOrigin origin) => origin switch
    {
        LibTorchOrigin.Setting => $"the {Setting} setting",
        LibTorchOrigin.Environment => EnvironmentVariable,
        LibTorchOrigin.Python => "python3's torch",
        _ => "bundled",
    };

    private static (string? Version, string? Cuda) ReadVersion(string libDir)
    {
        var parent = Path.GetDirectoryName(libDir);
        if (parent is null)
            return (null, null);
        // The libtorch zip: libtorch/build-version holds e.g. "2.10.0+cu128".
        var buildVersion = Path.Combine(parent, "build-version");
        if (File.Exists(buildVersion))
        {
            var text = File.ReadAllText(buildVersion).Trim();
            var cu = CudaSuffix().Match(text);
            return (text, cu.Success ? $"{cu.Groups[1].Value}.{cu.Groups[2].Value}" : null);
        }
        // A pip install: torch/version.py holds __version__ = '2.11.0+cu130' and cuda: Optional[str] = '13.0'.
        var versionPy = Path.Combine(parent, "version.py");
        if (File.Exists(versionPy))
        {
            var text = File.ReadAllText(versionPy);
            var v = PyVersion().Match(text);
            var c = PyCuda().Match(text);
            return (v.Success ? v.Groups[1].Value : null, c.Success ? c.Groups[1].Value : null);
        }
        // A NuGet package's runtimes/linux-x64/native: the nuspec three folders up names the package and version.
        var packageDir = Path.GetFullPath(Path.Combine(libDir, "..", "..", ".."));
        if (Directory.Exists(packageDir))
        {
            var nuspec = Directory.EnumerateFiles(packageDir, "*.nuspec").FirstOrDefault();
            if (nuspec is not null)
            {
                var m = NuspecVersion().Match(File.ReadAllText(nuspec));
                if (m.Success)
                    return ($"{m.Groups[1].Value} (NuGet {Path.GetFileNameWithoutExtension(nuspec)})", null);
            }
        }
        return (null, null);
    }

    private sealed record PythonAnswer(string? Folder, string? Version, string? Cuda, string Failure);

    private static PythonAnswer AskPython(string python, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(python)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(PythonQuery);
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new Win32Exception("did not start");
        }
        catch (Win32Exception e)
        {
            return new PythonAnswer(null, null, null, $"{python} could not be run: {e.Message}");
        }
        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(timeout))
            {
                process.Kill(entireProcessTree: true);
                return new PythonAnswer(null, null, null, $"{python} did not answer within {timeout.TotalSeconds:0} s");
            }
            process.WaitForExit();
            var lines = stdout.Result.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            if (process.ExitCode != 0 || lines.Length == 0)
            {
                var last = stderr.Result.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).LastOrDefault();
                return new PythonAnswer(null, null, null, $"{python} has no usable torch: {last ?? $"exit status {process.ExitCode}"}");
            }
            return new PythonAnswer(lines[0], lines.ElementAtOrDefault(1), lines.ElementAtOrDefault(2) is { Length: > 0 } cuda ? cuda : null, "");
        }
    }

    [GeneratedRegex(@"\+cu(\d+?)(\d)$")]
    private static partial Regex CudaSuffix();

    [GeneratedRegex(@"__version__\s*=\s*['""]([^'""]+)['""]")]
    private static partial Regex PyVersion();

    [GeneratedRegex(@"^cuda\s*(?::[^=]*)?=\s*['""]([^'""]+)['""]", RegexOptions.Multiline)]
    private static partial Regex PyCuda();

    [GeneratedRegex(@"<version>([^<]+)</version>")]
    private static partial Regex NuspecVersion();
}
