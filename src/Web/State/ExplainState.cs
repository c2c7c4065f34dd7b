using ClipSurgeryWeb.Data;
using ClipSurgeryWeb.Engine.Methods;
using ClipSurgeryWeb.Hosting.Live;
using ClipSurgeryWeb.Jobs.Models;
using ClipSurgeryWeb.Jobs.Running;
using ClipSurgeryWeb.Web.Services;
using ClipSurgeryWeb.Web.Services.Runs;
using Microsoft.AspNetCore.Components.Forms;
using Microsoft.EntityFrameworkCore;

namespace ClipSurgeryWeb.Web.State;

/// <summary>
/// The Explain page's state for this circuit: uploads, labels, targets, modes, label maps, the chosen model and the last
/// run with its heatmaps and label maps as they arrive. Kept here so leaving the page and coming back keeps the work.
/// </summary>
public sealed class ExplainState : IDisposable
{
    private readonly Operations _ops;
    private readonly CurrentUser _user;
    private readonly LiveFeed _feed;
    private readonly RunQueries _queries;
    private readonly ModelsFolder _models;
    private readonly BrowserUploads _browserUploads;
    private readonly LastUsedModel _lastUsed;
    private readonly IDbContextFactory<ClipSurgeryDb> _dbs;
    private readonly List<UploadView> _uploads = [];
    private readonly List<string> _labels = [];
    private readonly List<string> _targets = [];
    private readonly List<string> _errors = [];
    private readonly ILogger<ExplainState> _log;
    private readonly TimeProvider _time;
    private int _refreshQueued;
    private int _loads;
    private volatile bool _disposed;
    private bool _modelChosen;

    /// <summary>Live updates closer together than this share one reload of the run.</summary>
    public static readonly TimeSpan RefreshDelay = TimeSpan.FromMilliseconds(150);

    public ExplainState(Operations ops, CurrentUser user, LiveFeed feed, RunQueries queries, ModelsFolder models, BrowserUploads uploads,
        LastUsedModel lastUsed, IDbContextFactory<ClipSurgeryDb> dbs, TimeProvider time, ILogger<ExplainState> log)
    {
        _lastUsed = lastUsed;
        _dbs = dbs;
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

    /// <summary>The label maps asked for beside the heatmaps (none by default).</summary>
    public LabelMapChoice LabelMaps { get; private set; } = LabelMapChoice.None;

    /// <summary>The chosen CLIP model as installed (its image tower decides which methods it can run); null when none is chosen.</summary>
    public Jobs.Engine.InstalledModel? ModelInfo => Model is null ? null : _models.Clip.FirstOrDefault(m => m.Name == Model);

    public int? Resolution { get; private set; }

    /// <summary>"auto" (the server's default: fp16 on a GPU, fp32 on a CPU), "fp32", "fp16" or "bf16".</summary>
    public string Precision { get; private set; } = "auto";

    /// <summary>Results visible to the whole team (default) or only to the member and admins.</summary>
    public bool Shared { get; private set; } = true;

    public RunView? Run { get; private set; }

    public bool Busy { get; private set; }

    /// <summary>
    /// Keeps a chosen model that is still installed, else preselects the first installed one: the picker is never empty
    /// while a CLIP model exists (with two or more it used to be, and Run failed).
    /// </summary>
    public void Initialize()
    {
        var clip = _models.Clip;
        if (Model is null || clip.All(m => m.Name != Model))
        {
            Model = clip.FirstOrDefault()?.Name;
            _modelChosen = false;
        }
    }

    /// <summary>
    /// <see cref="Initialize"/>, then, unless the member chose a model in this circuit, the model of their most recent run
    /// that is still installed (<see cref="LastUsedModel"/>).
    /// </summary>
    public async Task InitializeAsync()
    {
        Initialize();
        if (_modelChosen || Run is not null)
            return;
        var last = await _lastUsed.ChooseAsync(await _user.GetAsync(), _models.Clip);
        if (!_modelChosen && last is not null && last != Model)
            Update(() => Model = last);
    }

    /// <summary>Chooses the CLIP model; the methods it cannot run (the dense ones on a ResNet) are unticked, as the picker disables them.</summary>
    public void SetModel(string? model) => Update(() =>
    {
        Model = model;
        _modelChosen = true;
        var info = ModelInfo;
        Modes.RemoveWhere(m => MethodSupport.Refusal(m, info) is not null);
        var labelMethods = LabelMaps.Methods.Where(m => MethodSupport.Refusal(m, info) is null).ToList();
        if (labelMethods.Count != LabelMaps.Methods.Count)
            LabelMaps = LabelMaps with { Methods = labelMethods, Pamr = LabelMaps.Pamr && labelMethods.Contains(LabelMapChoice.PamrMethod) };
    });

    public void SetLabelMaps(LabelMapChoice choice) => Update(() => LabelMaps = choice);

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
                Show(image);
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
                precision: Precision, labelMaps: LabelMaps));
            Interlocked.Increment(ref _loads);
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
    /// Shows run <paramref name="runId"/> again (a reload of <c>/explain?run=…</c>) with what it was asked in the form:
    /// its images, labels, targets, methods, resolution, precision, sharing and models (those still installed). Live
    /// updates of the run reload it from then on, so a run still going shows its progress again.
    /// </summary>
    /// <returns>False, with the reason in <see cref="Errors"/>, when the run is not there or not visible to the member.</returns>
    public async Task<bool> RestoreAsync(Guid runId)
    {
        if (Run?.Id == runId)
            return true;
        var who = await _user.GetAsync();
        var run = await _queries.GetAsync(who, runId);
        if (run is null || run.Kind != nameof(JobRunKind.Explain))
        {
            Update(() =>
            {
                _errors.Clear();
                _errors.Add(run is null
                    ? $"run {runId}: not found, or not shared with you"
                    : $"run {runId}: a {run.Kind} run, not an Explain run; open it under History");
            });
            return false;
        }
        var ids = run.Images.Select(i => i.ImageId).ToList();
        await using var db = await _dbs.CreateDbContextAsync();
        var images = await db.Images.AsNoTracking().Where(i => ids.Contains(i.Id)).ToListAsync();
        Update(() =>
        {
            _errors.Clear();
            _uploads.Clear();
            foreach (var id in ids)
            {
                if (images.FirstOrDefault(i => i.Id == id) is { } image)
                    Show(image);
            }
            var settings = run.Settings;
            _labels.Clear();
            _labels.AddRange(settings.Labels);
            _targets.Clear();
            // Targets equal to the labels were "every label" (left empty) when asked.
            if (!settings.Targets.SequenceEqual(settings.Labels))
                _targets.AddRange(settings.Targets);
            Modes = [.. settings.Modes];
            LabelMaps = LabelMapChoice.Of(settings);
            Resolution = settings.Resolution;
            Precision = settings.Precision ?? "auto";
            Shared = run.Shared;
            if (_models.Clip.Any(m => m.Name == settings.ModelName))
            {
                Model = settings.ModelName;
                _modelChosen = true;
            }
            SamModel = _models.Sam.Any(m => m.Name == settings.SamModelName) ? settings.SamModelName : null;
            Interlocked.Increment(ref _loads);
            Run = run;
        });
        return true;
    }

    /// <summary>
    /// "Try an example": uploads the app's own example scene (<see cref="ExampleScene"/>) through the normal upload path,
    /// sets the CLIP Surgery demo's labels (PASCAL-Context) and targets, and runs it with the preselected model.
    /// </summary>
    public async Task TryExampleAsync(long maxBytes)
    {
        Initialize();
        _errors.Clear();
        var who = await _user.GetAsync();
        var (image, error) = await _browserUploads.SaveAsync(new GeneratedFile(ExampleScene.FileName, "image/png", ExampleScene.Png()), who, maxBytes);
        if (image is null)
        {
            Update(() => _errors.Add(error ?? $"{ExampleScene.FileName}: could not be added"));
            return;
        }
        Show(image);
        _labels.Clear();
        _labels.AddRange(Jobs.Running.Labels.PascalContext);
        _targets.Clear();
        _targets.AddRange(ExampleScene.Targets);
        await RunAsync("");
    }

    /// <summary>Cancels the shown run (owner or admin; the launcher refuses anyone else with the reason).</summary>
    public async Task CancelAsync()
    {
        if (Run is not { } run)
            return;
        _errors.Clear();
        var who = await _user.GetAsync();
        try
        {
            await _ops.RunAsync<JobLauncher>(l => l.CancelAsync(who, run.Id));
        }
        catch (RequestRejectedException e)
        {
            _errors.Add($"{e.Subject}: {e.Reason}");
        }
        Interlocked.Increment(ref _loads);
        var fresh = await _queries.GetAsync(who, run.Id);
        Update(() => Run = fresh ?? Run);
    }

    /// <summary>Runs the shown run's failed and cancelled images again.</summary>
    public async Task RetryAsync()
    {
        if (Run is not { } run)
            return;
        _errors.Clear();
        var who = await _user.GetAsync();
        try
        {
            await _ops.RunAsync<JobLauncher, JobRun>(l => l.RetryAsync(who, run.Id));
        }
        catch (RequestRejectedException e)
        {
            _errors.Add($"{e.Subject}: {e.Reason}");
        }
        Interlocked.Increment(ref _loads);
        var fresh = await _queries.GetAsync(who, run.Id);
        Update(() => Run = fresh ?? Run);
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
        // Reloads may overlap (one per window) and finish in any order: only the latest one started is shown, so an
        // older read (still Running) never replaces a newer one (Succeeded).
        var load = Interlocked.Increment(ref _loads);
        try
        {
            var fresh = await _queries.GetAsync(await _user.GetAsync(), run.Id);
            if (fresh is not null && Run?.Id == fresh.Id && load == Volatile.Read(ref _loads))
                Run = fresh;
            Changed?.Invoke();
        }
        catch (Exception ex)
        {
            _log.LogWarning(ex, "Could not reload run {RunId} for the Explain page", run.Id);
        }
    }

    /// <summary>Adds an upload to the list; identical bytes are one stored upload (its first name), so one already listed is not shown twice.</summary>
    private void Show(UploadedImage image)
    {
        if (_uploads.All(u => u.Id != image.Id))
            _uploads.Add(UploadView.Of(image));
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
