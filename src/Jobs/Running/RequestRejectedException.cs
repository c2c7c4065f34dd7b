namespace ClipSurgeryWeb.Jobs.Running;

/// <summary>A request refused before anything was queued: names the thing and the reason.</summary>
public sealed class RequestRejectedException(string subject, string reason) : Exception($"{subject}: {reason}")
{
    public string Subject { get; } = subject;

    public string Reason { get; } = reason;
}
