using Microsoft.Extensions.Logging;

namespace ClipSurgeryWeb.Hosting.Live;

/// <summary>For a worker with no hub to report to: updates go to the log only (the database still has every state).</summary>
public sealed class LoggingJobEvents(ILogger<LoggingJobEvents> log) : IJobEvents
{
    public void Publish(JobEvent e) => log.LogDebug("{Kind} run {RunId} {Status}", e.Kind, e.RunId, e.RunStatus);
}
