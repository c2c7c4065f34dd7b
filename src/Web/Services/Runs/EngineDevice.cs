using ClipSurgeryWeb.Engine.Hosting;

namespace ClipSurgeryWeb.Web.Services.Runs;

/// <summary>
/// The device this server's engine computes on (<c>ClipSurgery:Device</c>, resolved as the engine does at start:
/// <see cref="ComputeDevice.Choose"/>, after <c>LogEngineStartup</c> loaded libtorch). Pages use it to warn before work
/// that is slow on a CPU. Unknown (null) when it cannot be resolved here; then nothing is claimed.
/// </summary>
public sealed class EngineDevice
{
    private readonly Lazy<string?> _name;

    public EngineDevice(Func<string?> resolve) => _name = new Lazy<string?>(() =>
    {
        try
        {
            return resolve();
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return null;
        }
    });

    /// <summary>Resolves <paramref name="preference"/> ("auto", "cpu", "cuda", "cuda:1") the engine's way.</summary>
    public static EngineDevice FromPreference(string preference) =>
        new(() => ComputeDevice.Choose(DevicePreference.Parse(preference)).Name);

    /// <summary>"cpu", "cuda:0", …; null when unknown.</summary>
    public string? Name => _name.Value;

    public bool IsCpu => Name == "cpu";
}
