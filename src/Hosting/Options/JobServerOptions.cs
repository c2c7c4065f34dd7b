namespace ClipSurgeryWeb.Hosting.Options;

/// <summary>The "ClipSurgery:Jobs" section: which Hangfire workers this process runs and where its progress goes.</summary>
public sealed class JobServerOptions
{
    /// <summary>Run an in-process Hangfire server. Turn off on a web node whose work is done by separate workers.</summary>
    public bool RunServer { get; set; } = true;

    /// <summary>Workers on queue "default" (downloads, bookkeeping).</summary>
    public int DefaultWorkers { get; set; } = 2;

    /// <summary>Workers on queue "gpu" (everything that calls the engine). One, so one model at a time holds the GPU.</summary>
    public int GpuWorkers { get; set; } = 1;

    /// <summary>How often an idle worker looks for new jobs.</summary>
    public TimeSpan QueuePollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// A fetched job that has not finished after this long is handed out again (Hangfire.Storage.SQLite has no sliding
    /// invisibility). Long on purpose: jobs are idempotent, and interrupted runs are resumed at start-up instead.
    /// </summary>
    public TimeSpan InvisibilityTimeout { get; set; } = TimeSpan.FromHours(12);

    /// <summary>
    /// PostgreSQL only: a fetched job whose server stopped sending heartbeats (a killed or cut-off worker) is handed out
    /// again after this long. Hangfire.PostgreSql slides it while the job runs, so a job longer than this is not handed
    /// out twice. Keep it above <see cref="LeaseDuration"/>: the job handed out again then finds the dead worker's image
    /// lease expired and takes it over.
    /// </summary>
    public TimeSpan SlidingInvisibilityTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// How long a worker's claim on an image holds without renewal (<c>JobImage.LeaseUntil</c>). Renewed every sixth of it
    /// while the image is worked on (from its progress reports; 20 s by default), so only a worker that stopped (killed,
    /// cut off, stuck in one engine step longer than this) loses its image to another. Long enough to cover the longest
    /// step between two progress reports on the slowest machine.
    /// </summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// Worker on another machine: the web app's hub URL (e.g. https://web:5001/hubs/live). Progress is sent there
    /// instead of to the local hub.
    /// </summary>
    public string? HubUrl { get; set; }

    /// <summary>Shared secret a remote worker presents to the hub (header X-Worker-Key). Same value on web and workers.</summary>
    public string? WorkerKey { get; set; }
}
