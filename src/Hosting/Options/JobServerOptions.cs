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
    /// Worker on another machine: the web app's hub URL (e.g. https://web:5001/hubs/live). Progress is sent there
    /// instead of to the local hub.
    /// </summary>
    public string? HubUrl { get; set; }

    /// <summary>Shared secret a remote worker presents to the hub (header X-Worker-Key). Same value on web and workers.</summary>
    public string? WorkerKey { get; set; }
}
