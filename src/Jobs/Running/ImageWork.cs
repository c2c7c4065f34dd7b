using ClipSurgeryWeb.Data;
using ClipSurgeryWeb.Jobs.Live;
using ClipSurgeryWeb.Hosting.Storage;
using Microsoft.EntityFrameworkCore;

namespace ClipSurgeryWeb.Jobs.Running;

/// <summary>
/// What a job gets for one image of a run: where the image and its output folder are, and synchronous callbacks for the
/// engine (record a file, report progress) that persist and publish without leaving the calling thread.
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
        Targets = run.Settings.Targets;
    }

    /// <summary>
    /// The targets the engine is writing files for, so that a file is recorded with its target
    /// (<see cref="ResultFileNaming.Classify"/>): the run's, unless the job found others (a batch's come from opinions).
    /// </summary>
    public IReadOnlyList<string> Targets { get; set; }

    public JobRun Run { get; }

    public JobImage Item { get; }

    public string ImagePath { get; }

    public string OutputDir { get; }

    /// <summary>Hangfire's job token: cancelled on shutdown, and when the run is cancelled (its job deleted), on any machine.</summary>
    public CancellationToken Token => _token;

    /// <summary>Records a file the engine wrote (upsert, so a resumed image does not duplicate rows) and announces it.</summary>
    public void AddFile(string fileName)
    {
        var name = FileStore.CheckedName(fileName);
        var path = Path.Combine(OutputDir, name);
        var (kind, mode, label) = ResultFileNaming.Classify(name, Targets);
        var row = _db.Files.Local.FirstOrDefault(f => f.JobImageId == Item.Id && f.FileName == name)
                  ?? _db.Files.FirstOrDefault(f => f.JobImageId == Item.Id && f.FileName == name);
        if (row is null)
        {
            row = new ResultFile { Id = Guid.NewGuid(), RunId = Run.Id, JobImageId = Item.Id, FileName = name, Kind = kind };
            _db.Files.Add(row);
        }
        row.Kind = kind;
        row.Mode = mode;
        row.Label = label;
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

    /// <summary>
    /// Records every file of the output folder not yet recorded (e.g. maps.safetensors, written without a callback).
    /// Hidden files are not results: the engine's atomic writes use ".name.tmp-…" files, left behind when interrupted.
    /// </summary>
    public void AddRemainingFiles()
    {
        var known = _db.Files.Where(f => f.JobImageId == Item.Id).Select(f => f.FileName).ToHashSet();
        foreach (var path in Directory.EnumerateFiles(OutputDir).Order(StringComparer.Ordinal))
        {
            var name = Path.GetFileName(path);
            if (!name.StartsWith('.') && !known.Contains(name))
                AddFile(name);
        }
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
