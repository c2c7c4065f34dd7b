using Microsoft.Extensions.Hosting;

namespace ClipSurgeryWeb.Jobs.Models;

/// <summary>Computes the models' checksums queued by <see cref="ModelChecksums"/>, one file at a time, for the life of the host.</summary>
public sealed class ModelChecksumWorker(ModelChecksums checksums) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await checksums.RunAsync(stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
