namespace ClipSurgeryWeb.Jobs.Models;

/// <summary>
/// Thrown by <see cref="DownloadModelJob"/> after it recorded a failed download on the run: it makes the Hangfire job end
/// Failed (the dashboard then agrees with the Models page) instead of Succeeded.
/// </summary>
public sealed class ModelDownloadFailedException(string officialName, string reason)
    : Exception($"download of {officialName} failed: {reason}")
{
    public string OfficialName { get; } = officialName;

    public string Reason { get; } = reason;
}
