namespace ClipSurgeryWeb.Jobs.Running;

/// <summary>Hangfire queue names (lowercase letters, digits, '_' and '-' only).</summary>
public static class Queues
{
    /// <summary>Downloads and bookkeeping.</summary>
    public const string Default = "default";

    /// <summary>Everything that calls the engine; one worker per process.</summary>
    public const string Gpu = "gpu";
}
