using ClipSurgeryWeb.Engine.Imaging;
using ClipSurgeryWeb.Engine.Labelling;

namespace ClipSurgeryWeb.Engine.Pipeline;

public sealed partial class ClipPipeline
{
    /// <summary>
    /// Per image: <see cref="StageStarted"/> (Labels, one per method), every method's label map
    /// (<see cref="LabelSegmenter"/>), then per method its overlay and palette PNG (<see cref="LabelMapWritten"/>) and,
    /// with <see cref="SegmentLabelsRequest.SaveMaps"/>, <c>labels.safetensors</c> (<see cref="FileWritten"/>, probabilities
    /// included), then <see cref="ImageFinished"/>; an image that fails ends with <see cref="ImageFailed"/> and the others
    /// go on. What no image could run with (a dense method on a ResNet, bad options) throws before any image is opened.
    /// </summary>
    public void SegmentLabels(SegmentLabelsRequest request, Action<PipelineEvent> sink, CancellationToken ct)
    {
        request.Validate();
        var segmenter = new LabelSegmenter(explainer);
        segmenter.Check(request.Classes, request.Methods, request.Options);
        foreach (var image in request.Images)
        {
            ct.ThrowIfCancellationRequested();
            try
            {
                using var picture = ImageLoader.Load(image.Path, limits);
                sink(new StageStarted(image.Key, PipelineStage.Labels, request.Methods.Count));
                var predictions = segmenter.Segment(picture, request.Classes, request.Methods, request.Options, probabilities: request.SaveMaps, ct: ct);
                LabelMapWriter.WriteFiles(predictions, picture, image.OutputDir, request.SaveMaps,
                    (p, overlay, labels) => sink(new LabelMapWritten(image.Key, p.Method, overlay, labels, p.Height, p.Width, p.Shares())),
                    file => sink(new FileWritten(image.Key, OutputKind.Labels, file)));
                sink(new ImageFinished(image.Key));
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                sink(new ImageFailed(image.Key, e));
            }
        }
    }
}
