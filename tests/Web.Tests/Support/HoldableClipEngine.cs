using ClipSurgeryWeb.Jobs.Engine;

namespace ClipSurgeryWeb.Web.Tests.Support;

/// <summary>
/// Another engine (the real one) with the fake's <c>Starting</c> hook: called with the method, the image path and the
/// call's token before the call is passed on, so a test can hold the engine at a known point instead of racing it.
/// </summary>
public sealed class HoldableClipEngine(IClipEngine inner) : IClipEngine, IDisposable
{
    public Action<string, string, CancellationToken>? Starting { get; set; }

    public IReadOnlyList<string> OfficialClipModels => inner.OfficialClipModels;

    public IReadOnlyList<string> OfficialSamModels => inner.OfficialSamModels;

    public IReadOnlyList<InstalledModel> ListModels(string modelsDir) => inner.ListModels(modelsDir);

    public InstalledModel Inspect(string checkpointPath) => inner.Inspect(checkpointPath);

    public void Download(string officialName, string modelsDir, IProgress<DownloadProgress> progress, CancellationToken ct) =>
        inner.Download(officialName, modelsDir, progress, ct);

    public void Explain(ExplainSpec spec, string imagePath, string outputDir, Action<string> onFile, CancellationToken ct)
    {
        Starting?.Invoke("explain", imagePath, ct);
        inner.Explain(spec, imagePath, outputDir, onFile, ct);
    }

    public OpinionOutcome Opinions(OpinionSpec spec, string imagePath, string outputDir, Action<OpinionProgress> onProgress, CancellationToken ct)
    {
        Starting?.Invoke("opinions", imagePath, ct);
        return inner.Opinions(spec, imagePath, outputDir, onProgress, ct);
    }

    public void Segment(SegmentSpec spec, string imagePath, string outputDir, Action<string> onFile, CancellationToken ct)
    {
        Starting?.Invoke("segment", imagePath, ct);
        inner.Segment(spec, imagePath, outputDir, onFile, ct);
    }

    public void Dispose() => (inner as IDisposable)?.Dispose();
}
