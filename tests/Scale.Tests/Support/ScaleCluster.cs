using System.Net;
using System.Net.Sockets;
using ClipSurgeryWeb.Tests.Support;
using Npgsql;

namespace ClipSurgeryWeb.Scale.Tests.Support;

/// <summary>
/// The several-machines setup of the README on one host: a throwaway PostgreSQL (one database for the app, one for
/// Hangfire), one shared data folder, the web app (<c>ClipSurgery:Jobs:RunServer=false</c>) and workers, each a real
/// process with its own models folder, sending progress to the web app's hub with the worker key. Disposing kills every
/// process it started (by PID) and deletes the databases' cluster and the folders.
/// </summary>
public sealed class ScaleCluster : IAsyncDisposable
{
    public const string AdminEmail = "admin@example.com";
    public const string AdminPassword = "Scale-test-passw0rd";
    public const string ClipModel = "clip_vit_tiny_jit";
    private const string WorkerKey = "scale-test-worker-key";

    /// <summary>Only turns a hang into a failure; nothing waits for time to pass.</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromMinutes(4);

    private readonly List<AppProcess> _processes = [];
    private ThrowawayPostgres? _postgres;

    private ScaleCluster(string root)
    {
        Root = root;
        DataDir = Directory.CreateDirectory(Path.Combine(root, "data")).FullName;
        Port = FreePort();
    }

    public string Root { get; }

    /// <summary>The folder every process shares (uploads, results), as an NFS mount would be.</summary>
    public string DataDir { get; }

    public int Port { get; }

    public Uri WebAddress => new($"http://127.0.0.1:{Port}");

    public string AppConnectionString { get; private set; } = "";

    public string HangfireConnectionString { get; private set; } = "";

    public AppProcess? Web { get; private set; }

    public static async Task<ScaleCluster> StartAsync()
    {
        var cluster = new ScaleCluster(Directory.CreateTempSubdirectory("csw-scale-").FullName);
        try
        {
            cluster._postgres = await ThrowawayPostgres.StartAsync();
            cluster.AppConnectionString = await cluster._postgres.CreateDatabaseAsync("app");
            cluster.HangfireConnectionString = await cluster._postgres.CreateDatabaseAsync("jobs");
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>A models folder of its own for one machine, holding the tiny CLIP fixture unless <paramref name="withClip"/> is false.</summary>
    public string ModelsFolder(string machine, bool withClip = true)
    {
        var dir = Directory.CreateDirectory(Path.Combine(Root, "models-" + machine)).FullName;
        var clip = Path.Combine(dir, ClipModel + ".pt");
        if (withClip && !File.Exists(clip))
            File.CreateSymbolicLink(clip, RepoPaths.ClipFixture);
        return dir;
    }

    /// <summary>Starts the web app (again, after a kill: same port, databases and data) and waits until it listens.</summary>
    public async Task<AppProcess> StartWebAsync()
    {
        var env = Common(ModelsFolder("web"));
        env["ASPNETCORE_URLS"] = WebAddress.ToString().TrimEnd('/');
        env["ASPNETCORE_ENVIRONMENT"] = "Production";
        env["ClipSurgery__Jobs__RunServer"] = "false";
        env["ClipSurgery__AdminEmail"] = AdminEmail;
        env["ClipSurgery__AdminPassword"] = AdminPassword;
        var web = Track(AppProcess.Start("web", RepoPaths.WebDll, RepoPaths.WebProject, env, NextLog("web")));
        await web.WaitForLineAsync(l => l.Contains("Now listening on"), Patience, "that it listens");
        Web = web;
        return web;
    }

    /// <summary>
    /// Starts a worker (one GPU worker, on the CPU here) with its own models folder and waits until its Hangfire
    /// servers are announced in the shared storage.
    /// </summary>
    public async Task<AppProcess> StartWorkerAsync(string name, string modelsDir, TimeSpan? leaseDuration = null)
    {
        var env = Common(modelsDir);
        env["DOTNET_ENVIRONMENT"] = "Production";
        env["ClipSurgery__Jobs__RunServer"] = "true";
        env["ClipSurgery__Jobs__GpuWorkers"] = "1";
        env["ClipSurgery__Jobs__DefaultWorkers"] = "1";
        env["ClipSurgery__Jobs__HubUrl"] = new Uri(WebAddress, "/hubs/live").ToString();
        // The web app migrates; a worker only checks that the schema is current.
        env["ClipSurgery__MigrateDatabase"] = "false";
        if (leaseDuration is { } lease)
            env["ClipSurgery__Jobs__LeaseDuration"] = lease.ToString("c");
        var before = await GpuServersAsync();
        var worker = Track(AppProcess.Start(name, RepoPaths.WorkerDll, Path.GetDirectoryName(RepoPaths.WorkerDll)!, env, NextLog(name)));
        var deadline = DateTime.UtcNow + Patience;
        while (await GpuServersAsync() <= before)
        {
            if (worker.HasExited || DateTime.UtcNow > deadline)
                throw new InvalidOperationException($"worker {name} did not announce its Hangfire server; its log: {worker.LogPath}\n{worker.Tail()}");
            await Task.Delay(200);
        }
        return worker;
    }

    /// <summary>Hangfire servers serving the "gpu" queue that the shared storage lists (killed ones stay listed a while).</summary>
    public async Task<int> GpuServersAsync()
    {
        await using var connection = new NpgsqlConnection(HangfireConnectionString);
        await connection.OpenAsync();
        await using var exists = new NpgsqlCommand("SELECT to_regclass('hangfire.server') IS NOT NULL", connection);
        if (await exists.ExecuteScalarAsync() is not true)
            return 0;
        await using var count = new NpgsqlCommand("SELECT count(*) FROM hangfire.server WHERE data::text LIKE '%\"gpu\"%'", connection);
        return Convert.ToInt32(await count.ExecuteScalarAsync());
    }

    /// <summary>Rows of the app database, read as the tests' own observer (SQL, not the app's code).</summary>
    public async Task<List<T>> QueryAsync<T>(string sql, Func<NpgsqlDataReader, T> read, params (string Name, object Value)[] parameters)
    {
        await using var connection = new NpgsqlConnection(AppConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
            command.Parameters.AddWithValue(name, value);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<T>();
        while (await reader.ReadAsync())
            rows.Add(read(reader));
        return rows;
    }

    private Dictionary<string, string> Common(string modelsDir) => new()
    {
        ["ClipSurgery__Database"] = "PostgreSql",
        ["ConnectionStrings__App"] = AppConnectionString,
        ["ConnectionStrings__Hangfire"] = HangfireConnectionString,
        ["ClipSurgery__DataDir"] = DataDir,
        ["ClipSurgery__ModelsDir"] = modelsDir,
        ["ClipSurgery__VocabPath"] = RepoPaths.Vocabulary,
        ["ClipSurgery__Device"] = "cpu",
        ["ClipSurgery__Precision"] = "fp32",
        ["ClipSurgery__ImageBatchSize"] = "1",
        ["ClipSurgery__Jobs__WorkerKey"] = WorkerKey,
        // Two processes computing on 2 cores: one thread each.
        ["OMP_NUM_THREADS"] = "1",
        ["MKL_NUM_THREADS"] = "1",
    };

    private AppProcess Track(AppProcess process)
    {
        _processes.Add(process);
        return process;
    }

    /// <summary>Beside the test assembly (kept after the folders are deleted, for a failure's post-mortem).</summary>
    private string NextLog(string name) => Path.Combine(Directory.CreateDirectory(Path.Combine(AppContext.BaseDirectory, "scale-logs")).FullName,
        $"{Path.GetFileName(Root)}-{_processes.Count:D2}-{name}.log");

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var process in _processes)
            process.Dispose();
        if (_postgres is not null)
            await _postgres.DisposeAsync();
        try { Directory.Delete(Root, recursive: true); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}
