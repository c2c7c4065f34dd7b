using System.Security.Cryptography;
using ClipSurgeryWeb.Hosting.Options;
using Microsoft.Extensions.Options;

namespace ClipSurgeryWeb.Jobs.Running;

/// <summary>
/// What one job execution's leases share, whether it claims images (<see cref="ImageLeases"/>) or a whole run
/// (<see cref="RunLeases"/>): who holds them, how long a claim lasts (<see cref="JobServerOptions.LeaseDuration"/>, two
/// minutes when unset), how often a holder renews, and when it last renewed each claim — so renewing on every progress
/// report costs a database write only when one is due.
/// </summary>
public sealed class LeaseTerms
{
    private readonly TimeProvider _time;
    private readonly Dictionary<Guid, DateTimeOffset> _renewed = [];

    public LeaseTerms(TimeProvider time, IOptions<ClipSurgeryOptions> options)
    {
        _time = time;
        Duration = options.Value.Jobs.LeaseDuration > TimeSpan.Zero ? options.Value.Jobs.LeaseDuration : TimeSpan.FromMinutes(2);
        Holder = $"{Environment.MachineName}:{Environment.ProcessId}:{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4))}";
    }

    /// <summary>Who claims: machine, process and a random part, so two jobs in one process are two holders.</summary>
    public string Holder { get; }

    /// <summary>How long a claim lasts unless renewed.</summary>
    public TimeSpan Duration { get; }

    /// <summary>How often a holder renews: a sixth of the lease, so five renewals in a row may be late before it is lost.</summary>
    public TimeSpan RenewEvery => Duration / 6;

    /// <summary>Now, as the database's lease columns hold it (UTC).</summary>
    public DateTime Now => _time.GetUtcNow().UtcDateTime;

    /// <summary>Whether the claim on <paramref name="id"/> is due for renewal (never renewed, or <see cref="RenewEvery"/> has passed).</summary>
    public bool RenewalDue(Guid id) => !_renewed.TryGetValue(id, out var last) || _time.GetUtcNow() - last >= RenewEvery;

    /// <summary>Notes that the claim on <paramref name="id"/> was just made or renewed.</summary>
    public void Renewed(Guid id) => _renewed[id] = _time.GetUtcNow();

    /// <summary>Forgets the claim on <paramref name="id"/> (released or lost).</summary>
    public void Forget(Guid id) => _renewed.Remove(id);
}
