using ClipSurgeryWeb.Engine.Explaining;
using ClipSurgeryWeb.Engine.Methods;
using ClipSurgeryWeb.Engine.Opinions;

namespace ClipSurgeryWeb.Engine.Pipeline;

/// <summary>
/// The reference's runall, written once (the CLI's folders and the web's batch jobs both run it): per image, opinions
/// (gradient ascent; skipped for an image whose opinion is known) → labels = every token, targets = tokens counted at
/// least <see cref="Batch.RunAllSettings.MinTargetFrequency"/> times → maps over the label set (plain CLIP and Surgery)
/// at the model's own size unless a resolution was asked for → single-label Surgery maps at 512 → with SAM a mask per
/// target from those maps' points. Each image ends with one <see cref="ImageFinished"/> or <see cref="ImageFailed"/>.
/// </summary>
public static class RunAllPlan
{
    public static void Run(IClipPipeline pipeline, RunAllRequest request, Action<PipelineEvent> sink, CancellationToken ct)
    {
        request.Validate();
        foreach (var image in request.Images)
        {
            ct.ThrowIfCancellationRequested();
            try
            {
                RunOne(pipeline, request, image, sink, ct);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                sink(new ImageFailed(image.Key, e));
            }
        }
    }

    private static void RunOne(IClipPipeline pipeline, RunAllRequest request, PipelineImage image, Action<PipelineEvent> sink, CancellationToken ct)
    {
        var failed = false;
        IReadOnlyList<TokenCount>? found = null;
        // The steps' own ends are not this image's end: their failure is, their finish is not.
        void Step(PipelineEvent e)
        {
            switch (e)
            {
                case ImageFinished:
                    return;
                case ImageFailed:
                    failed = true;
                    break;
                case OpinionFinished opinion:
                    found = opinion.Tokens;
                    break;
            }
            sink(e);
        }

        var tokens = request.KnownOpinions?.GetValueOrDefault(image.Key);
        if (tokens is null)
        {
            pipeline.Opinions(new OpinionsRequest([image], request.Settings.Opinions, request.ModelName), Step, ct);
            if (failed)
                return;
            tokens = found ?? throw new InvalidOperationException($"the opinions of {image.Key} ended without a result");
        }

        int min = request.Settings.MinTargetFrequency;
        var labels = tokens.Select(t => t.Token).Distinct().ToList();
        var targets = tokens.Where(t => t.Frequency >= min).Select(t => t.Token).Distinct().ToList();
        sink(new LabelsChosen(image.Key, labels, targets, min));
        if (targets.Count > 0)
        {
            var methods = request.EffectiveMethods.Select(MapMethods.Get).ToList();
            var overLabels = methods.Where(m => m.NeedsLabels).Select(m => m.Method).ToList();
            var perTarget = methods.Where(m => !m.NeedsLabels).Select(m => m.Method).ToList();
            if (overLabels.Count > 0)
            {
                var maps = new ExplainRequest(labels, targets, request.Settings.SurgeryResolution, overLabels);
                pipeline.Explain(new ExplainImagesRequest([image], maps, SaveMaps: request.SaveMaps), Step, ct);
                if (failed)
                    return;
            }
            if (perTarget.Count > 0 || request.Segment)
            {
                // SAM's points come from the single-label maps at 512, as the reference's demo takes them.
                if (request.Segment && !perTarget.Contains(MapMethod.Single))
                    perTarget = [.. perTarget, MapMethod.Single];
                var maps = new ExplainRequest([], targets, request.Settings.SingleResolution, perTarget);
                pipeline.Explain(new ExplainImagesRequest([image], maps, request.Segment, request.SaveMaps), Step, ct);
                if (failed)
                    return;
            }
        }
        sink(new ImageFinished(image.Key));
    }
}
