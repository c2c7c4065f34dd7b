using ClipSurgeryWeb.Engine.Pipeline;
using ClipSurgeryWeb.Engine.Checkpoints;
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

    public int ImageBatchSize => inner.ImageBatchSize;

    public IClipPipeline Pipeline(EngineModels models) => new Holding(this, inner.Pipeline(models));

    /// <summary>Calls <see cref="Starting"/> with each image of a call before passing the call on.</summary>
    private sealed class Holding(HoldableClipEngine engine, IClipPipeline inner) : IClipPipeline
    {
        public void Explain(ExplainImagesRequest request, Action<PipelineEvent> sink, CancellationToken ct)
        {
            Start("explain", request.Images, ct);
            inner.Explain(request, sink, ct);
        }

        public void Segment(SegmentImagesRequest request, Action<PipelineEvent> sink, CancellationToken ct)
        {
            Start("segment", request.Images, ct);
            inner.Segment(request, sink, ct);
        }

        public void Opinions(OpinionsRequest request, Action<PipelineEvent> sink, CancellationToken ct)
        {
            Start("opinions", request.Images, ct);
            inner.Opinions(request, sink, ct);
        }

        public void SegmentLabels(SegmentLabelsRequest request, Action<PipelineEvent> sink, CancellationToken ct)
        {
            Start("labels", request.Images, ct);
            inner.SegmentLabels(request, sink, ct);
        }

        public void Evaluate(ClipSurgeryWeb.Engine.Evaluation.EvalRequest request, Action<PipelineEvent> sink, CancellationToken ct) => inner.Evaluate(request, sink, ct);

        private void Start(string method, IReadOnlyList<PipelineImage> images, CancellationToken ct)
        {
            foreach (var image in images)
                engine.Starting?.Invoke(method, image.Path, ct);
        }
    }

    public void Dispose() => (inner as IDisposable)?.Dispose();
}
