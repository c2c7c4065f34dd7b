using System.Threading.Channels;
using ClipSurgeryWeb.Hosting.Options;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ClipSurgeryWeb.Hosting.Live;

/// <summary>
/// Live updates from a worker on another machine: queued in memory and sent to the web app's hub
/// (ClipSurgery:Jobs:HubUrl) as "Publish", authenticated by the shared worker key. IHubContext only reaches clients of
/// its own process, so this is how a remote worker's progress reaches the browsers.
/// </summary>
public sealed class HubClientJobEvents : BackgroundService, IJobEvents
{
    public const string WorkerKeyHeader = "X-Worker-Key";

    private readonly Channel<JobEvent> _queue = Channel.CreateBounded<JobEvent>(
        new BoundedChannelOptions(10_000) { FullMode = BoundedChannelFullMode.DropOldest });
    private readonly HubConnection _connection;
    private readonly ILogger<HubClientJobEvents> _log;

    /// <param name="configure">Extra connection settings (transports, a test server's handler).</param>
    public HubClientJobEvents(IOptions<ClipSurgeryOptions> options, ILogger<HubClientJobEvents> log,
        Action<Microsoft.AspNetCore.Http.Connections.Client.HttpConnectionOptions>? configure = null)
    {
        _log = log;
        var jobs = options.Value.Jobs;
        var url = jobs.HubUrl ?? throw new InvalidOperationException("ClipSurgery:Jobs:HubUrl is not set");
        _connection = new HubConnectionBuilder()
            .WithUrl(url, o =>
            {
                o.Headers[WorkerKeyHeader] = jobs.WorkerKey ?? "";
                configure?.Invoke(o);
            })
            .WithAutomaticReconnect()
            .Build();
    }

    public void Publish(JobEvent e) => _queue.Writer.TryWrite(e);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await foreach (var e in _queue.Reader.ReadAllAsync(stoppingToken))
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    if (_connection.State == HubConnectionState.Disconnected)
                        await _connection.StartAsync(stoppingToken);
                    await _connection.InvokeAsync("Publish", e, stoppingToken);
                    break;
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    _log.LogWarning(ex, "Could not send a live update to the web app's hub; retrying");
                    await Task.Delay(TimeSpan.FromSeconds(2), stoppingToken);
                }
            }
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        await _connection.DisposeAsync();
    }
}
