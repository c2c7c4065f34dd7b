using ClipSurgeryWeb.Engine.Evaluation;
using ClipSurgeryWeb.Engine.Labelling;

namespace ClipSurgeryWeb.Engine.Pipeline;

public sealed partial class ClipPipeline
{
    /// <summary>
    /// Scores the methods on the benchmark with this pipeline's model: the <see cref="Evaluator"/>'s bookkeeping with the
    /// label segmenter as its predictor — the dataset's class file (<see cref="EvalClasses"/>, background as class 0
    /// where the set has one), the configs' short side and probability threshold (<see cref="EvalDatasetSettings"/>),
    /// and each method's logits resized to the label map's size before PAMR and the argmax, as the methods' <c>predict</c>.
    /// </summary>
    public void Evaluate(EvalRequest request, Action<PipelineEvent> sink, CancellationToken ct)
    {
        var settings = EvalDatasetSettings.For(request.Dataset);
        var classes = EvalClasses.For(request.Dataset);
        var options = new LabelSegmentationOptions(request.ShortSide ?? settings.ShortSide, request.Pamr, settings.Threshold);
        options.Validate();
        var segmenter = new LabelSegmenter(explainer);
        var evaluator = new Evaluator(
            (image, _, height, width, token) => segmenter.Segment(image, classes, request.Methods, options, probabilities: false, outputSize: (height, width), token)
                .Select(p => p.Prediction).ToList(),
            Path.GetFileName(explainer.CheckpointPath), explainer.ModelSha256, limits);
        var report = evaluator.Run(request, (sample, done, total) => sink(new EvalProgressed(sample.Id, done, total)), ct);
        sink(new EvalFinished(request.DatasetFolder, report, Path.Combine(request.ReportFolder, EvalReportFile.JsonName)));
    }
}
