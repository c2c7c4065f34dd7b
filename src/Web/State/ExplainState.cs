using ClipSurgeryWeb.Engine.Methods;
using ClipSurgeryWeb.Hosting.Live;
using ClipSurgeryWeb.Jobs.Models;
using ClipSurgeryWeb.Jobs.Running;
using ClipSurgeryWeb.Web.Services;
using Microsoft.AspNetCore.Components.Forms;

namespace ClipSurgeryWeb.Web.State;

/// <summary>
/// The Explain page's state for this circuit: uploads, labels, targets, modes, the chosen model and the last run with
/// its heatmaps as they arrive. Kept here so leaving the page and coming back keeps the work.
/// </summary>
public sealed class ExplainState : IDisposable
{
    private readonly Operations _ops;
    private readonly CurrentUser _user;
    private readonly LiveFeed _feed;
    private readonly RunQueries _queries;
    private readonly ModelsFolder _models;
    private readonly BrowserUploads _browserUploads;
    private readonly List<UploadView> _uploads = [];
    private readonly List<string> _labels = [];
    private readonly List<string> _targets = [];
    private readonly List<string> _errors = [];
    private readonly ILogger<ExplainState> _log;
    private readonly TimeProvider _time;
    private int _refreshQueued;
    private volatile bool _disposed;

    /// <summary>Live updates closer together than this share one reload of the run.</summary>
    public static readonly TimeSpan RefreshDelay = TimeSpan.FromMilliseconds(150);

    public ExplainState(Operations ops, CurrentUser user, LiveFeed feed, RunQueries queries, ModelsFolder models, BrowserUploads uploads,
        TimeProvider time, ILogger<ExplainState> log)
    {
        _log = log;
        _time = time;
        _browserUploads = uploads;
        _ops = ops;
        _user = user;
        _feed = feed;
        _queries = queries;
        _models = models;
        _feed.Received += OnLive;
    }

    public event Action? Changed;

    public IReadOnlyList<UploadView> Uploads => _uploads;

    public IReadOnlyList<string> Labels => _labels;

    public IReadOnlyList<string> Targets => _targets;

    public IReadOnlyList<string> Errors => _errors;

    public string? Model { get; private set; }

    /// <summary>SAM model for masks of the targets; none: heatmaps only.</summary>
    public string? SamModel { get; private set; }

    public HashSet<MapMethod> Modes { get; private set; } = [MapMethod.Surgery, MapMethod.Plain];

    public int? Resolution { get; private set; }

    /// <summary>"auto" (the server's default: fp16 on a GPU, fp32 on a CPU), "fp32", "fp16" or "bf16".</summary>
    public string Precision { get; private set; } = "auto";

    /// <summary>Results visible to the whole team (default) or only to the member and admins.</summary>
    public bool Shared { get; private set; } = true;

    public RunView? Run { get; private set; }

    public bool Busy { get; private set; }

    /// <summary>Preselects the model when exactly one CLIP model is installed.</summary>
    public void Initialize()
    {
        var clip = _models.Clip;
        if (Model is null || clip.All(m => m.Name != Model))
            Model = clip.Count == 1 ? clip[0].Name : clip.FirstOrDefault(m => m.Name == Model)?.Name;
    }

    public void SetModel(string? model) => Update(() => Model = model);

    public void SetSamModel(string? model) => Update(() => SamModel = model);

    public void SetShared(bool shared) => Update(() => Shared = shared);

    public void SetResolution(int? resolution) => Update(() => Resolution = resolution);

    public void SetPrecision(string precision) => Update(() => Precision = precision);

    public void ToggleMode(MapMethod mode, bool on) => Update(() => { if (on) Modes.Add(mode); else Modes.Remove(mode); });

    /// <summary>Adds comma-separated labels (the labels box, Enter, or a preset).</summary>
    public void AddLabels(string text) => Update(() =>
    {
        foreach (var label in Jobs.Running.Labels.Parse(text).Where(l => !_labels.Contains(l)))
            _labels.Add(label);
    });

    public void RemoveLabel(string label) => Update(() => { _labels.Remove(label); _targets.Remove(label); });

    public void ClearLabels() => Update(() => { _labels.Clear(); _targets.Clear(); });

    /// <summary>Adds comma-separated targets; one with nothing on a side of '+' is refused with the reason, and none of the text is added.</summary>
    public void AddTargets(string text) => Update(() =>
    {
        _errors.Clear();
        try
        {
            foreach (var target in Jobs.Running.Labels.ParseTargets(text).Where(t => !_targets.Contains(t)))
                _targets.Add(target);
        }
        catch (RequestRejectedException e)
        {
            _errors.Add($"{e.Subject}: {e.Reason}");
        }
    });

    public void RemoveTarget(string target) => Update(() => _targets.Remove(target));

    public void RemoveUpload(Guid id) => Update(() => _uploads.RemoveAll(u => u.Id == id));

    public async Task UploadAsync(IReadOnlyList<IBrowserFile> files, long maxBytes)
    {
        _errors.Clear();
        var who = await _user.GetAsync();
        foreach (var file in files)
        {
            var (image, error) = await _browserUploads.SaveAsync(file, who, maxBytes);
            if (image is not null)
                _uploads.Add(new UploadView(image.Id, image.FileName, image.SizeBytes, image.Width, image.Height, Urls.Image(image.Id)));
            if (error is not null)
                _errors.Add(error);
            Changed?.Invoke();
        }
    }

    public async Task RunAsync(string pendingLabels)
    {
        if (!string.IsNullOrWhiteSpace(pendingLabels))
            AddLabels(pendingLabels);
        _errors.Clear();
        Busy = true;
        Changed?.Invoke();
        try
        {
            var who = await _user.GetAsync();
            var run = await _ops.RunAsync<JobLauncher, ClipSurgeryWeb.Data.JobRun>(l => l.StartExplainAsync(
                who, _uploads.Select(u => u.Id).ToList(), Model ?? "", _labels, _targets, Modes.ToList(), Resolution, Shared, SamModel,
                precision: Precision));
            Run = await _queries.GetAsync(who, run.Id);
        }
        catch (RequestRejectedException e)
        {
            _errors.Add($"{e.Subject}: {e.Reason}");
        }
        finally
        {
            Busy = false;
            Changed?.Invoke();
        }
    }

    /// <summary>
    /// Called on the publisher's thread (for local jobs, the Hangfire GPU worker): must not read the database there. The
    /// first update of a window only starts its <see cref="RefreshDelay"/> timer; the reload runs on the thread pool when
    /// it fires, once for all the updates of that window.
    /// </summary>
    private void OnLive(JobEvent e)
    {
        if (Run is null || e.RunId != Run.Id || _disposed)
            return;
        if (Interlocked.Exchange(ref _refreshQueued, 1) == 1)
            return;
        _ = RefreshSoonAsync();
    }

    private async Task RefreshSoonAsync()
    {
        await Task.Delay(RefreshDelay, _time).ConfigureAwait(false);
        // Cleared before reading, so an update that arrives during the read queues one more reload.
        Volatile.Write(ref _refreshQueued, 0);
        if (Run is not { } run || _disposed)
            return;
        try
        {
            var fresh = await _queries.GetAsync(await _user.GetAsync(), run.Id);
            if (fresh is not null && Run?.Id == fresh.Id)
                Run = fresh;
            Changed?.Invoke();
        }
        catch (Exception ex)
        {
            _log.LogWarning(ex, "Could not reload run {RunId} for the Explain page", run.Id);
        }
    }

    private void Update(Action change)
    {
        change();
        Changed?.Invoke();
    }

    public void Dispose()
    {
        _disposed = true;
        _feed.Received -= OnLive;
    }
}
