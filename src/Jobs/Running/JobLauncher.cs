using ClipSurgeryWeb.Engine.Explaining;
using ClipSurgeryWeb.Engine.Evaluation;
using ClipSurgeryWeb.Engine.Methods;
using ClipSurgeryWeb.Jobs.Batch;
using ClipSurgeryWeb.Data;
using ClipSurgeryWeb.Jobs.Explain;
using ClipSurgeryWeb.Hosting.Live;
using ClipSurgeryWeb.Jobs.Engine;
using ClipSurgeryWeb.Jobs.Evaluation;
using ClipSurgeryWeb.Jobs.Models;
using ClipSurgeryWeb.Jobs.Opinions;
using Hangfire;
using Microsoft.EntityFrameworkCore;

namespace ClipSurgeryWeb.Jobs.Running;

/// <summary>
/// Turns a member's request into a durable run and a Hangfire job. Everything is checked first, so a refused request
/// queues nothing and changes nothing; the refusal names the thing and the reason.
/// </summary>
/// <param name="storage">Hangfire's storage, asked which GPU workers there are (helper jobs) and which of a run's jobs are
/// running (cancel); always there in the app (AddJobs registers it). Null only where there is no Hangfire at all (the
/// pages' component tests): no helpers, and cancel deletes the run's own job.</param>
/// <param name="datasets">Where eval datasets may lie (AddJobs registers it); null where nothing registered one: evals are refused.</param>
public sealed class JobLauncher(ClipSurgeryDb db, IBackgroundJobClient hangfire, ModelsFolder models,
    IJobEvents events, TimeProvider time, JobStorage? storage = null, DatasetFolders? datasets = null)
{
    public const int MaxLabels = 200;
    public const int MaxIterations = 5000;

    public async Task<JobRun> StartExplainAsync(Requester who, IReadOnlyList<Guid> imageIds, string modelName,
        IReadOnlyList<string> labels, IReadOnlyList<string> targets, IReadOnlyList<MapMethod> modes, int? resolution, bool shared,
        string? samModelName = null, CancellationToken ct = default, string? precision = null, LabelMapChoice? labelMaps = null)
    {
        RequireImages(imageIds);
        var runPrecision = RunPrecision.Check(precision);
        var model = RequireClip(modelName);
        var sam = string.IsNullOrWhiteSpace(samModelName) ? null : models.RequireSam(samModelName);
        var cleanLabels = Labels.Clean(labels);
        if (cleanLabels.Count == 0)
            throw new RequestRejectedException("labels", "add at least one label");
        if (cleanLabels.Count > MaxLabels)
            throw new RequestRejectedException("labels", $"{cleanLabels.Count} labels is more than the {MaxLabels} allowed");
        var cleanTargets = Labels.CleanTargets(targets);
        if (cleanTargets.Count == 0)
            cleanTargets = cleanLabels;
        // A method by any of its words ("CS", "surgery") is the registered one; an unknown one is the engine's to refuse.
        var cleanModes = modes.Select(m => MapMethods.Find(m.Name)?.Method ?? m).Distinct().OrderBy(MapMethods.Order).ToList();
        if (cleanModes.Count == 0)
            throw new RequestRejectedException("modes", $"choose at least one of {string.Join(", ", MapMethods.All.Select(m => m.DisplayName))}");
        foreach (var mode in cleanModes)
        {
            if (MethodSupport.Refusal(mode, model) is { } reason)
                throw new RequestRejectedException($"method '{mode.DisplayName}'", reason);
        }
        var labelChoice = (labelMaps ?? LabelMapChoice.None).Checked(model, cleanLabels);
        // The engine's request is the one validator: the CLI, the API and the pages refuse the same requests alike.
        try
        {
            new ExplainRequest(cleanLabels, cleanTargets, resolution, cleanModes).Validate();
        }
        catch (EngineInputException e)
        {
            throw new RequestRejectedException(e.Subject, e.Reason);
        }

        var settings = new RunSettings
        {
            ModelName = model.Name,
            SamModelName = sam?.Name,
            Labels = cleanLabels,
            Targets = cleanTargets,
            Modes = cleanModes,
            Resolution = resolution,
            Precision = runPrecision,
        }.WithLabelMaps(labelChoice);
        var run = await CreateRunAsync(who, JobRunKind.Explain, imageIds, settings, shared, ct);
        return Enqueue(run, id => hangfire.Enqueue<ExplainJob>(j => j.RunAsync(id, CancellationToken.None)));
    }

    public async Task<JobRun> StartOpinionsAsync(Requester who, IReadOnlyList<Guid> imageIds, string modelName, int iterations,
        bool shared, CancellationToken ct = default, string? precision = null)
    {
        RequireImages(imageIds);
        var runPrecision = RunPrecision.Check(precision);
        var model = RequireClip(modelName);
        CheckIterations(iterations);
        var settings = new RunSettings { ModelName = model.Name, Iterations = iterations, Precision = runPrecision };
        var run = await CreateRunAsync(who, JobRunKind.Opinions, imageIds, settings, shared, ct);
        return Enqueue(run, id => hangfire.Enqueue<OpinionsJob>(j => j.RunAsync(id, CancellationToken.None)));
    }

    public async Task<JobRun> StartBatchAsync(Requester who, IReadOnlyList<Guid> imageIds, string modelName, string? samModelName,
        int iterations, bool shared, CancellationToken ct = default, string? precision = null, LabelMapChoice? labelMaps = null)
    {
        RequireImages(imageIds);
        var runPrecision = RunPrecision.Check(precision);
        var model = RequireClip(modelName);
        var sam = string.IsNullOrWhiteSpace(samModelName) ? null : models.RequireSam(samModelName);
        CheckIterations(iterations);
        // A batch's labels come from each image's opinion: only named classes can be checked now.
        var labelChoice = (labelMaps ?? LabelMapChoice.None).Checked(model, labels: null);
        var settings = new RunSettings
        {
            ModelName = model.Name,
            SamModelName = sam?.Name,
            Iterations = iterations,
            Precision = runPrecision,
            // No resolution: maps over the labels at the model's own size; BatchJob draws single-label maps at 512.
            Modes = [.. MapMethods.Defaults],
        }.WithLabelMaps(labelChoice);
        var run = await CreateRunAsync(who, JobRunKind.Batch, imageIds, settings, shared, ct);
        return Enqueue(run, id => hangfire.Enqueue<BatchJob>(j => j.RunAsync(id, CancellationToken.None)));
    }

    /// <summary>
    /// Scores <paramref name="methods"/> of <paramref name="modelName"/> on the benchmark in <paramref name="datasetFolder"/>
    /// (a folder inside the datasets root; a relative one is taken inside it). Admins only: an eval holds the GPU worker
    /// for minutes to hours and reads folders of the server. Its scores are the team's: the run is shared.
    /// <paramref name="pamr"/> and <paramref name="shortSide"/>: null = each method's own test protocol
    /// (<see cref="EvalProtocol"/>); a value overrides it for every method (PAMR: those that offer it).
    /// </summary>
    public async Task<JobRun> StartEvalAsync(Requester who, string datasetFolder, EvalDatasetKind dataset, string modelName,
        IReadOnlyList<MapMethod> methods, int? limit = null, bool? pamr = null, int? shortSide = null,
        CancellationToken ct = default, string? precision = null)
    {
        if (!who.IsAdmin)
            throw new RequestRejectedException("evaluation", "only admins start evals");
        if (!Enum.IsDefined(dataset))
            throw new RequestRejectedException("dataset", $"'{dataset}' is not a benchmark this server knows");
        var folder = (datasets ?? throw new RequestRejectedException("evaluation", "this server has no datasets folder configured"))
            .Require(datasetFolder);
        var runPrecision = RunPrecision.Check(precision);
        var model = RequireClip(modelName);
        var cleanMethods = methods.Select(m => MapMethods.Find(m.Name)?.Method ?? m).Distinct().OrderBy(MapMethods.Order).ToList();
        if (cleanMethods.Count == 0)
            throw new RequestRejectedException("methods", $"choose at least one of {string.Join(", ", EvalMethods.All)}");
        if (cleanMethods.FirstOrDefault(m => !EvalMethods.Allows(m)) is { Name: not null } other)
            throw new RequestRejectedException($"method '{other}'", $"draws no label map (evals take {string.Join(", ", EvalMethods.All)})");
        if (limit is < 1)
            throw new RequestRejectedException("limit", $"{limit} images: take at least 1 (or leave it empty for the whole dataset)");
        if (shortSide is < MinShortSide or > MaxShortSide)
            throw new RequestRejectedException("short side", $"{shortSide} is outside {MinShortSide}…{MaxShortSide}");
        var settings = new RunSettings
        {
            ModelName = model.Name,
            LabelMethods = cleanMethods,
            Dataset = dataset,
            DatasetFolder = folder,
            Limit = limit,
            Pamr = pamr,
            ShortSide = shortSide,
            Precision = runPrecision,
        };
        var run = NewRun(who, JobRunKind.Evaluation, settings, shared: true);
        db.Runs.Add(run);
        await db.SaveChangesAsync(ct);
        return Enqueue(run, id => hangfire.Enqueue<EvalJob>(j => j.RunAsync(id, CancellationToken.None)));
    }

    /// <summary>Bounds of an eval's short side (the datasets' own are 336, 448 and 560).</summary>
    public const int MinShortSide = 32;

    public const int MaxShortSide = 2048;

    public async Task<JobRun> StartDownloadAsync(Requester who, string officialName, CancellationToken ct = default)
    {
        if (!who.IsAdmin)
            throw new RequestRejectedException($"model '{officialName}'", "only admins add models to the team's models folder");
        if (!models.OfficialModels.Contains(officialName))
            throw new RequestRejectedException($"model '{officialName}'", $"not an official model (known: {string.Join(", ", models.OfficialModels)})");
        var run = NewRun(who, JobRunKind.Download, new RunSettings { OfficialName = officialName }, shared: true);
        db.Runs.Add(run);
        await db.SaveChangesAsync(ct);
        return Enqueue(run, id => hangfire.Enqueue<DownloadModelJob>(j => j.RunAsync(id, CancellationToken.None)));
    }

    /// <summary>
    /// Stops a run: queued work is dropped, running work stops at its next check; finished images stay. One channel:
    /// the flag stops what has not started (a job or an image claim sees it), and deleting the run's Hangfire jobs
    /// cancels the token of any running one, on whichever worker (Hangfire checks every CancellationCheckInterval).
    /// </summary>
    public async Task CancelAsync(Requester who, Guid runId, CancellationToken ct = default)
    {
        var run = await RequireChangeableAsync(who, runId, ct);
        if (run.IsFinished)
            return;
        run.CancelRequested = true;
        if (run.Status == JobRunStatus.Queued)
        {
            run.Status = JobRunStatus.Cancelled;
            run.FinishedAt = time.GetUtcNow().UtcDateTime;
            foreach (var item in run.Images.Where(i => i.Status is JobImageStatus.Pending or JobImageStatus.Running))
                item.Status = JobImageStatus.Cancelled;
        }
        await db.SaveChangesAsync(ct);
        foreach (var jobId in RunningJobsOf(run).Append(run.HangfireJobId).OfType<string>().Distinct())
            hangfire.Delete(jobId);
        events.Publish(JobEvent.For(run, JobEventKind.RunChanged));
    }

    /// <summary>Runs the failed and cancelled images of a run again; finished images are kept and skipped.</summary>
    public async Task<JobRun> RetryAsync(Requester who, Guid runId, CancellationToken ct = default)
    {
        var run = await RequireChangeableAsync(who, runId, ct);
        if (!run.IsFinished)
            throw new RequestRejectedException("run", "it is still queued or running");
        var again = run.Images.Where(i => i.Status is JobImageStatus.Failed or JobImageStatus.Cancelled).ToList();
        if (run.Kind == JobRunKind.Evaluation && run.Status == JobRunStatus.Succeeded)
            throw new RequestRejectedException("run", "the eval succeeded: start a new one to score again");
        // Downloads and evals have no images: they run again as a whole (an eval resumes from its report folder).
        if (again.Count == 0 && run.Kind is not (JobRunKind.Download or JobRunKind.Evaluation))
            throw new RequestRejectedException("run", "no failed or cancelled images to retry");
        foreach (var item in again)
        {
            item.Status = JobImageStatus.Pending;
            item.Error = null;
            item.Progress = 0;
        }
        if (run.Kind == JobRunKind.Download)
        {
            // A retried download starts from nothing: the bar must not show the failed attempt's bytes.
            run.BytesDone = null;
            run.BytesTotal = null;
        }
        run.CancelRequested = false;
        run.Error = null;
        run.Status = JobRunStatus.Queued;
        run.FinishedAt = null;
        await db.SaveChangesAsync(ct);
        return Requeue(run);
    }

    /// <summary>Enqueues a fresh Hangfire job for an existing run (retry, or resume after its job was lost).</summary>
    public JobRun Requeue(JobRun run) => run.Kind switch
    {
        JobRunKind.Explain => Enqueue(run, id => hangfire.Enqueue<ExplainJob>(j => j.RunAsync(id, CancellationToken.None))),
        JobRunKind.Opinions => Enqueue(run, id => hangfire.Enqueue<OpinionsJob>(j => j.RunAsync(id, CancellationToken.None))),
        JobRunKind.Batch => Enqueue(run, id => hangfire.Enqueue<BatchJob>(j => j.RunAsync(id, CancellationToken.None))),
        JobRunKind.Download => Enqueue(run, id => hangfire.Enqueue<DownloadModelJob>(j => j.RunAsync(id, CancellationToken.None))),
        JobRunKind.Evaluation => Enqueue(run, id => hangfire.Enqueue<EvalJob>(j => j.RunAsync(id, CancellationToken.None))),
        _ => throw new ArgumentOutOfRangeException(nameof(run)),
    };

    private async Task<JobRun> RequireChangeableAsync(Requester who, Guid runId, CancellationToken ct)
    {
        var run = await db.Runs.Include(r => r.Images).FirstOrDefaultAsync(r => r.Id == runId, ct);
        if (run is null || !run.CanSee(who))
            throw new RequestRejectedException($"run {runId}", "not found");
        if (!run.CanChange(who))
            throw new RequestRejectedException($"run {runId}", "only its owner or an admin may change it");
        return run;
    }

    /// <summary>An empty name is the page's picker left empty: said as such, not as an unknown model called ''.</summary>
    private InstalledModel RequireClip(string modelName) => string.IsNullOrWhiteSpace(modelName)
        ? throw new RequestRejectedException("model", "choose a CLIP model (none was chosen)")
        : models.RequireClip(modelName);

    private static void RequireImages(IReadOnlyList<Guid> imageIds)
    {
        if (imageIds.Count == 0)
            throw new RequestRejectedException("images", "upload or choose at least one image");
    }

    private static void CheckIterations(int iterations)
    {
        if (iterations is < 1 or > MaxIterations)
            throw new RequestRejectedException("iterations", $"{iterations} is outside 1…{MaxIterations}");
    }

    private async Task<JobRun> CreateRunAsync(Requester who, JobRunKind kind, IReadOnlyList<Guid> imageIds, RunSettings settings,
        bool shared, CancellationToken ct)
    {
        var ids = imageIds.Distinct().ToList();
        if (ids.Count == 0)
            throw new RequestRejectedException("images", "upload or choose at least one image");
        var found = await db.Images.Where(i => ids.Contains(i.Id)).Select(i => i.Id).ToListAsync(ct);
        foreach (var id in ids)
        {
            if (!found.Contains(id) || !db.CanSeeImage(id, who))
                throw new RequestRejectedException($"image {id}", "not found");
        }
        var run = NewRun(who, kind, settings, shared);
        run.Images = ids.Select((id, order) => new JobImage
        {
            Id = Guid.NewGuid(),
            RunId = run.Id,
            ImageId = id,
            Order = order,
            Status = JobImageStatus.Pending,
        }).ToList();
        db.Runs.Add(run);
        await db.SaveChangesAsync(ct);
        return run;
    }

    /// <summary>
    /// Jobs of the same run beside its own, so that every GPU worker of every machine may share its images (each image
    /// is claimed by one, <see cref="ImageLeases"/>): one per GPU worker that Hangfire's servers announce beyond the
    /// first, at most one per image beyond the first. None on one machine with one GPU worker, as before.
    /// </summary>
    private int HelpersFor(JobRun run)
    {
        if (run.Kind == JobRunKind.Download || storage is null)
            return 0;
        var unfinished = run.Images.Count(i => i.Status is JobImageStatus.Pending or JobImageStatus.Running);
        var gpuWorkers = storage.GetMonitoringApi().Servers()
            .Where(s => s.Queues.Contains(Queues.Gpu))
            .Sum(s => s.WorkersCount);
        return Math.Max(0, Math.Min(gpuWorkers, unfinished) - 1);
    }

    /// <summary>The run's jobs being performed now, on any server (its own and its helpers).</summary>
    private IEnumerable<string> RunningJobsOf(JobRun run)
    {
        if (storage is null)
            return [];
        var monitoring = storage.GetMonitoringApi();
        var count = (int)Math.Min(int.MaxValue, monitoring.ProcessingCount());
        return monitoring.ProcessingJobs(0, Math.Max(1, count))
            .Where(j => j.Value?.Job?.Args is [Guid runId, ..] && runId == run.Id)
            .Select(j => j.Key)
            .ToList();
    }

    private JobRun NewRun(Requester who, JobRunKind kind, RunSettings settings, bool shared) => new()
    {
        Id = Guid.NewGuid(),
        Kind = kind,
        Status = JobRunStatus.Queued,
        OwnerId = who.UserId,
        OwnerName = who.Name,
        Shared = shared,
        Settings = settings,
        CreatedAt = time.GetUtcNow().UtcDateTime,
    };

    private JobRun Enqueue(JobRun run, Func<Guid, string> enqueue)
    {
        run.HangfireJobId = enqueue(run.Id);
        for (var helper = 0; helper < HelpersFor(run); helper++)
            enqueue(run.Id);
        db.SaveChanges();
        events.Publish(JobEvent.For(run, JobEventKind.RunChanged));
        return run;
    }
}
