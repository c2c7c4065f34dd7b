using ClipSurgeryWeb.Engine.Maps;
using ClipSurgeryWeb.Engine.Methods;
using ClipSurgeryWeb.Engine.Pipeline;
using ClipSurgeryWeb.Data;
using ClipSurgeryWeb.Hosting.Live;
using ClipSurgeryWeb.Hosting.Storage;
using Microsoft.EntityFrameworkCore;

namespace ClipSurgeryWeb.Jobs.Running;

/// <summary>
/// One image of a run while the engine works on it: where the image and its output folder are, and what the engine's
/// events for it do here: a written file becomes a <see cref="ResultFile"/> row (kind, method, target from the event,
/// never from the file's name, with a heatmap's value range or a label map's class shares) and a live update; the image's zero-shot label scores are
/// stored on it; progress is saved and published, all without leaving the calling thread.
/// </summary>
public sealed class ImageWork
{
    private static readonly TimeSpan PublishEvery = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan PersistEvery = TimeSpan.FromSeconds(1);

    private readonly ClipSurgeryDb _db;
    private readonly IJobEvents _events;
    private readonly TimeProvider _time;
    private readonly CancellationToken _token;
    private readonly ImageLeases _leases;
    private readonly Func<double, double> _overall;
    private DateTimeOffset _lastPublish = DateTimeOffset.MinValue;
    private DateTimeOffset _lastPersist;
    private PipelineStage _stage;
    private int _expected = 1;
    private double _done;

    internal ImageWork(ClipSurgeryDb db, IJobEvents events, TimeProvider time, FileStore files, JobRun run, JobImage item,
        CancellationToken token, ImageLeases leases, Func<double, double> overall)
    {
        _db = db;
        _events = events;
        _time = time;
        _token = token;
        _leases = leases;
        _overall = overall;
        _lastPersist = time.GetUtcNow();
        Run = run;
        Item = item;
        var image = item.Image ?? throw new InvalidOperationException($"image {item.ImageId} of run {run.Id} is missing");
        ImagePath = files.UploadPath(image.Id, image.Extension);
        OutputDir = files.ResultDir(run.Id, item.Id);
    }

    public JobRun Run { get; }

    public JobImage Item { get; }

    public string ImagePath { get; }

    public string OutputDir { get; }

    /// <summary>The image as the engine is given it: keyed by the run image's id.</summary>
    public PipelineImage Input => new(Key(Item.Id), ImagePath, OutputDir);

    /// <summary>How the engine's events name a run image.</summary>
    public static string Key(Guid jobImageId) => jobImageId.ToString("N");

    /// <summary>How the progress bar is shared between the steps (set by the job).</summary>
    public StageShares Shares { get; set; } = new(0, 1, 0);

    /// <summary>The engine said this image is finished.</summary>
    public bool Finished { get; private set; }

    /// <summary>The engine said this image failed.</summary>
    public ImageFailed? Failure { get; private set; }

    /// <summary>Hangfire's job token: cancelled on shutdown, and when the run is cancelled (its job deleted), on any machine.</summary>
    public CancellationToken Token => _token;

    /// <summary>Stores and publishes what one engine event says about this image.</summary>
    public void Handle(PipelineEvent e)
    {
        switch (e)
        {
            case StageStarted started:
                (_stage, _expected, _done) = (started.Stage, Math.Max(1, started.Expected), 0);
                SetStage(started.Stage.ToString().ToLowerInvariant(), Math.Max(Item.Progress, Shares.Of(started.Stage).From));
                break;
            case HeatmapWritten map:
                AddFile(map.File, ResultKinds.Heatmap, map.Method, map.Target, map.Range);
                Step(1);
                break;
            case MaskWritten mask:
                AddFile(mask.File, ResultKinds.Mask, null, mask.Target);
                Step(0.5);
                break;
            case OverlayWritten overlay:
                AddFile(overlay.File, ResultKinds.Overlay, null, overlay.Target);
                Step(0.5);
                break;
            case LabelMapWritten labels:
                AddFile(labels.File, ResultKinds.LabelMap, labels.Method, null, shares: LabelShares.ToJson(labels.Shares));
                AddFile(labels.LabelFile, ResultKinds.LabelIds, labels.Method, null);
                Step(1);
                break;
            case FileWritten file:
                AddFile(file.File, ResultKinds.Of(file.Kind), null, null);
                break;
            case LabelsScored scored:
                Item.Scores = scored.Scores;
                _db.SaveChanges();
                break;
            case OpinionProgressed p:
                var (from, span) = Shares.Of(PipelineStage.Opinions);
                Report(from + span * p.Progress.Iteration / Math.Max(1, p.Progress.Iterations), p.Progress.Loss, p.Progress.BestText,
                    p.Progress.Iteration, p.Progress.Iterations);
                break;
            case LabelsChosen { Targets.Count: 0 } labels:
                SetStage($"done: no token came up {labels.MinFrequency} times, so there is nothing to map", 1);
                break;
            case ImageFinished:
                Finished = true;
                break;
            case ImageFailed failed:
                Failure = failed;
                break;
        }
    }

    /// <summary>One more of the current step's expected results; the bar never moves back.</summary>
    private void Step(double results)
    {
        _done += results;
        var (from, span) = Shares.Of(_stage);
        Report(Math.Max(Item.Progress, from + span * Math.Min(0.99, _done / _expected)));
    }

    /// <summary>
    /// Records a file the engine wrote (upsert, so a resumed image does not duplicate rows) and announces it;
    /// <paramref name="range"/> is what a heatmap's 0 and 1 stand for, <paramref name="shares"/> a label map's pixel
    /// shares per class (<see cref="LabelShares"/>).
    /// </summary>
    public void AddFile(string fileName, string kind, MapMethod? method, string? label, MapRange? range = null, string? shares = null)
    {
        var name = FileStore.CheckedName(fileName);
        var path = Path.Combine(OutputDir, name);
        var row = _db.Files.Local.FirstOrDefault(f => f.JobImageId == Item.Id && f.FileName == name)
                  ?? _db.Files.FirstOrDefault(f => f.JobImageId == Item.Id && f.FileName == name);
        if (row is null)
        {
            row = new ResultFile { Id = Guid.NewGuid(), RunId = Run.Id, JobImageId = Item.Id, FileName = name, Kind = kind };
            _db.Files.Add(row);
        }
        row.Kind = kind;
        row.Mode = method;
        row.Label = label;
        row.ValueMin = range?.Min;
        row.ValueMax = range?.Max;
        row.SharesJson = shares;
        row.SizeBytes = File.Exists(path) ? new FileInfo(path).Length : 0;
        row.CreatedAt = _time.GetUtcNow().UtcDateTime;
        _db.SaveChanges();
        _events.Publish(JobEvent.For(Run, JobEventKind.FileReady) with
        {
            JobImageId = Item.Id,
            FileId = row.Id,
            FileName = name,
            Stage = Item.Stage,
        });
    }

    public void SetStage(string stage, double progress)
    {
        Item.Stage = stage;
        Report(progress, force: true);
    }

    /// <summary>Announces the finished image (already saved as done). Never throws for cancellation: a done image stays done.</summary>
    internal void ReportDone()
    {
        _lastPublish = _time.GetUtcNow();
        Publish(iteration: null, iterations: null);
    }

    /// <summary>
    /// Reports progress within the image (0..1); published at most every 200 ms, saved every second, and this job's lease
    /// on the image renewed when due (<see cref="ImageLeases.RenewIfDue"/>; throws <see cref="LeaseLostException"/> when
    /// another worker took it over).
    /// </summary>
    public void Report(double progress, float? loss = null, string? bestText = null, int? iteration = null, int? iterations = null, bool force = false)
    {
        Item.Progress = Math.Clamp(progress, 0, 1);
        if (loss is not null)
            Item.Loss = loss;
        if (bestText is not null)
            Item.BestText = bestText;

        var now = _time.GetUtcNow();
        if (force || now - _lastPersist >= PersistEvery)
        {
            _lastPersist = now;
            _db.SaveChanges();
            _leases.RenewIfDue(Item.Id);
        }
        if (force || now - _lastPublish >= PublishEvery)
        {
            _lastPublish = now;
            Publish(iteration, iterations);
        }
        _token.ThrowIfCancellationRequested();
    }

    private void Publish(int? iteration, int? iterations) =>
        _events.Publish(JobEvent.For(Run, JobEventKind.ImageProgress) with
        {
            JobImageId = Item.Id,
            ImageStatus = Item.Status.ToString(),
            Stage = Item.Stage,
            Progress = Item.Progress,
            Overall = _overall(Item.Progress),
            Iteration = iteration,
            Iterations = iterations,
            Loss = Item.Loss,
            BestText = Item.BestText,
        });
}
