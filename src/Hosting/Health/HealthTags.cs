namespace ClipSurgeryWeb.Hosting.Health;

/// <summary>Which endpoint runs a check: <see cref="Live"/> for /healthz, <see cref="Ready"/> for /readyz.</summary>
public static class HealthTags
{
    public const string Live = "live";

    public const string Ready = "ready";
}
