using ClipSurgeryWeb.Hosting.Live;
using ClipSurgeryWeb.Jobs.Running;
using ClipSurgeryWeb.Web.Live;
using ClipSurgeryWeb.Web.Services;

namespace ClipSurgeryWeb.Web.State;

/// <summary>
/// This circuit's view of the live updates: only what its member may see. Components subscribe to
/// <see cref="Received"/> in OnInitialized and unsubscribe in Dispose; the circuit pushes their re-render.
/// </summary>
public sealed class LiveFeed : IDisposable
{
    private readonly LiveUpdates _updates;
    private readonly CurrentUser _user;
    private Requester? _who;

    public LiveFeed(LiveUpdates updates, CurrentUser user)
    {
        _updates = updates;
        _user = user;
        _updates.Received += OnReceived;
    }

    public event Action<JobEvent>? Received;

    public async Task StartAsync() => _who ??= await _user.GetAsync();

    private void OnReceived(JobEvent e)
    {
        if (_who is { } who && !_user.Ended && e.IsVisibleTo(who.UserId, who.IsAdmin))
            Received?.Invoke(e);
    }

    public void Dispose() => _updates.Received -= OnReceived;
}
