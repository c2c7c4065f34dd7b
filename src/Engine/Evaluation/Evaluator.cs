using ClipSurgeryWeb.Engine.Imaging;
using ClipSurgeryWeb.Engine.Methods;
using ClipSurgeryWeb.Engine.Storage;

namespace ClipSurgeryWeb.Engine.Evaluation;

/// <summary>
/// Runs an <see cref="EvalRequest"/>: the dataset's first <see cref="EvalRequest.Limit"/> samples in order, per image
/// its labels and every method's prediction at the labels' size, each method under its own test protocol
/// (<see cref="EvalProtocol.ForRequest"/>, recorded in the state's fingerprint and the report) (from the injected <see cref="EvalPredictor"/>), one
/// <see cref="SegmentationMetrics"/> per method, and the report at the end. It keeps no tensors and knows no model:
/// the predictor does the work, this class the bookkeeping — so a killed eval continues (<c>state.json</c> is written
/// after each image) and an eval of another request never mixes into a folder's totals.
/// </summary>
/// <param name="model">The model's name for the report (its file name).</param>
/// <param name="modelSha256">Its checksum: part of what makes an eval the same one.</param>
public sealed class Evaluator(EvalPredictor predictor, string model, string? modelSha256, ImageLimits? limits = null)
{
    /// <summary>Scores the request; <paramref name="progress"/> is told each image scored (done counts resumed ones).</summary>
    /// <exception cref="EngineInputException">A bad request, a dataset that does not open, a report folder holding another eval, or an image that cannot be scored.</exception>
    public EvalReport Run(EvalRequest request, Action<EvalSample, int, int>? progress, CancellationToken ct)
    {
        Validate(request);
        var dataset = EvalDataset.Open(request.DatasetFolder, request.Dataset);
        var samples = dataset.Samples.Take(request.Limit ?? int.MaxValue).ToList();
        var classes = EvalClasses.For(request.Dataset);
        var datasetSettings = EvalDatasetSettings.For(request.Dataset);
        var protocols = EvalProtocol.ForRequest(request);
        var settings = new EvalStateSettings(datasetSettings.Name, Path.GetFullPath(dataset.Root), samples.Count,
            EvalStateSettings.Hash(string.Join("\n", samples.Select(s => s.Id))), request.Methods.Select(m => m.Name).ToList(),
            model, modelSha256, EvalStateSettings.Hash(classes.ToString()), protocols, request.ShortSide, request.Pamr, request.Limit);

        var folder = request.ReportFolder;
        try
        {
            Directory.CreateDirectory(folder);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new EngineInputException(folder, $"the report folder cannot be made ({e.Message})", e);
        }
        AtomicFile.SweepLeftovers(folder);
        var statePath = Path.Combine(folder, EvalReportFile.StateName);
        var state = Resume(request, statePath, settings);

        var metrics = request.Methods.Select((m, i) => state is null
            ? new SegmentationMetrics(dataset.ClassCount)
            : new SegmentationMetrics(state.Methods[i].ToAreas(), state.Done.Count)).ToList();
        var done = new List<string>(state?.Done ?? []);
        var doneSet = new HashSet<string>(done, StringComparer.Ordinal);
        var started = state?.Started ?? DateTimeOffset.UtcNow;
        var fingerprint = settings.Fingerprint();

        foreach (var sample in samples)
        {
            if (doneSet.Contains(sample.Id))
                continue;
            ct.ThrowIfCancellationRequested();
            Score(sample, request.Methods, metrics, ct);
            done.Add(sample.Id);
            doneSet.Add(sample.Id);
            new EvalState(EvalState.CurrentVersion, fingerprint, settings, started, done,
                request.Methods.Select((m, i) => EvalState.MethodTotals.Of(m.Name, metrics[i].Totals)).ToList()).Write(statePath);
            progress?.Invoke(sample, done.Count, samples.Count);
        }

        var report = new EvalReport(model, modelSha256, request.Dataset, request.DatasetFolder, done.Count, dataset.Samples.Count,
            request.ShortSide, request.Pamr, request.Limit, classes.Classes.Select(c => c.Name).ToList(),
            request.Methods.Select((m, i) => new EvalMethodScores(m, metrics[i].Compute(), protocols[i])).ToList(),
            started, DateTimeOffset.UtcNow);
        EvalReportFile.Write(folder, report);
        return report;
    }

    private static void Validate(EvalRequest request)
    {
        if (request.Methods.Count == 0)
            throw new EngineInputException("methods", "no method given");
        if (request.Methods.Distinct().Count() != request.Methods.Count)
            throw new EngineInputException("methods", $"a method is named twice ({string.Join(",", request.Methods)})");
        if (request.Limit is < 1)
            throw new EngineInputException("limit", $"{request.Limit} images: give at least 1");
        if (request.ShortSide is < 32 or > 4096)
            throw new EngineInputException("short side", $"{request.ShortSide} is outside 32…4096 pixels");
        if (string.IsNullOrWhiteSpace(request.ReportFolder))
            throw new EngineInputException("report folder", "none given");
    }

    // The saved state of the same eval, or null to start afresh; another eval's state is refused unless the request restarts.
    private static EvalState? Resume(EvalRequest request, string statePath, EvalStateSettings settings)
    {
        EvalState? state;
        try
        {
            state = EvalState.ReadIfAny(statePath);
        }
        catch (EngineInputException) when (request.Restart)
        {
            state = null;
        }
        if (state is null)
            return null;
        var same = state.Version == EvalState.CurrentVersion && state.Fingerprint == settings.Fingerprint()
            && state.Methods.Count == request.Methods.Count;
        if (same)
            return state;
        if (!request.Restart)
            throw new EngineInputException(request.ReportFolder,
                $"holds the state of another eval ({state.Settings.Describe()}); this one is {settings.Describe()}. " +
                "Give another report folder, or restart to discard that state");
        foreach (var name in new[] { EvalReportFile.StateName, EvalReportFile.JsonName, EvalReportFile.MarkdownName })
            File.Delete(Path.Combine(request.ReportFolder, name));
        return null;
    }

    private void Score(EvalSample sample, IReadOnlyList<MapMethod> methods, List<SegmentationMetrics> metrics, CancellationToken ct)
    {
        using var image = ImageLoader.Load(sample.ImagePath, limits);
        var labels = sample.ReadLabels();
        if (labels.Width != image.Width || labels.Height != image.Height)
            throw new EngineInputException(sample.LabelPath,
                $"the label map is {labels.Width}×{labels.Height} but its image {Path.GetFileName(sample.ImagePath)} is {image.Width}×{image.Height}");
        var predictions = predictor(image, sample, labels.Height, labels.Width, ct);
        if (predictions.Count != methods.Count)
            throw new InvalidOperationException($"the predictor gave {predictions.Count} predictions for {methods.Count} methods");
        for (var i = 0; i < methods.Count; i++)
            metrics[i].Add(sample.Id, predictions[i], labels.Values);
    }
}
