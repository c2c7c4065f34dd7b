using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace ClipSurgeryWeb.Tests.Support;

/// <summary>
/// A PostgreSQL server for tests: the one named by <c>CLIPSURGERY_TEST_PG</c> (a connection string of a role that may
/// create databases), else a throwaway cluster of Debian's <c>postgresql</c> package (<c>initdb</c> into a temp folder,
/// started on a free port, trust authentication on 127.0.0.1 only; run as the <c>postgres</c> user when the tests run as
/// root, since PostgreSQL refuses root), stopped and deleted on dispose. No Docker. Each test takes a database of its own
/// (<see cref="CreateDatabaseAsync"/>).
/// </summary>
public sealed class ThrowawayPostgres : IAsyncDisposable
{
    public const string ServerVariable = "CLIPSURGERY_TEST_PG";

    private readonly string? clusterDir;
    private readonly string? binDir;

    private ThrowawayPostgres(string connectionString, string? clusterDir, string? binDir)
    {
        ServerConnectionString = connectionString;
        this.clusterDir = clusterDir;
        this.binDir = binDir;
    }

    /// <summary>Connection string of the server's superuser (its "postgres" database).</summary>
    public string ServerConnectionString { get; }

    /// <summary>Uses <see cref="ServerVariable"/>'s server, or starts a throwaway cluster; throws with the reason when neither can be had.</summary>
    public static async Task<ThrowawayPostgres> StartAsync()
    {
        if (Environment.GetEnvironmentVariable(ServerVariable) is { Length: > 0 } given)
            return new ThrowawayPostgres(given, null, null);

        var bin = FindBinDir() ?? throw new InvalidOperationException(
            $"PostgreSQL not found: install Debian's postgresql (apt-get install postgresql; .ci/run does) or set {ServerVariable}");
        var dir = Path.Combine(Path.GetTempPath(), $"clipsurgery-pg-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        var asRoot = Environment.UserName == "root";
        if (asRoot)
            await RunAsync("chown", ["postgres", dir], asPostgres: false);
        var data = Path.Combine(dir, "data");
        await RunAsync(Path.Combine(bin, "initdb"), ["-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"], asRoot);
        var port = FreePort();
        // Sockets in the cluster folder (not /var/run/postgresql, which needs the system service); fsync off: it is thrown away.
        await RunAsync(Path.Combine(bin, "pg_ctl"),
            ["-D", data, "-l", Path.Combine(dir, "server.log"), "-w", "-t", "60",
             "-o", $"-p {port} -k {dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200", "start"], asRoot);
        return new ThrowawayPostgres($"Host=127.0.0.1;Port={port};Username=postgres;Database=postgres", dir, bin);
    }

    /// <summary>A new, empty database on the server; returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync(string prefix = "test")
    {
        var name = $"{prefix}_{Guid.NewGuid():N}"[..Math.Min(63, prefix.Length + 33)].ToLowerInvariant();
        await using (var connection = new NpgsqlConnection(ServerConnectionString))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            await create.ExecuteNonQueryAsync();
        }
        return new NpgsqlConnectionStringBuilder(ServerConnectionString) { Database = name }.ConnectionString;
    }

    public async ValueTask DisposeAsync()
    {
        if (clusterDir is null || binDir is null)
            return;
        try
        {
            await RunAsync(Path.Combine(binDir, "pg_ctl"), ["-D", Path.Combine(clusterDir, "data"), "-m", "immediate", "-w", "stop"],
                Environment.UserName == "root");
        }
        finally
        {
            try { Directory.Delete(clusterDir, recursive: true); }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
    }

    /// <summary>initdb on PATH, else the newest /usr/lib/postgresql/&lt;version&gt;/bin (Debian keeps it off PATH).</summary>
    private static string? FindBinDir()
    {
        var onPath = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .FirstOrDefault(d => File.Exists(Path.Combine(d, "initdb")) && File.Exists(Path.Combine(d, "pg_ctl")));
        if (onPath is not null)
            return onPath;
        const string debian = "/usr/lib/postgresql";
        return Directory.Exists(debian)
            ? Directory.EnumerateDirectories(debian)
                .Select(d => Path.Combine(d, "bin"))
                .Where(d => File.Exists(Path.Combine(d, "initdb")))
                .OrderByDescending(d => int.TryParse(Path.GetFileName(Path.GetDirectoryName(d)), out var v) ? v : 0)
                .FirstOrDefault()
            : null;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task RunAsync(string program, IReadOnlyList<string> args, bool asPostgres)
    {
        var start = new ProcessStartInfo(asPostgres ? "runuser" : program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (asPostgres)
        {
            foreach (var a in new[] { "-u", "postgres", "--", program })
                start.ArgumentList.Add(a);
        }
        foreach (var a in args)
            start.ArgumentList.Add(a);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {program}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{Path.GetFileName(program)} {string.Join(' ', args)} exited {process.ExitCode}: {await stderr}{await stdout}");
    }
}
