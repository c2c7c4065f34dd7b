using ClipSurgeryWeb.Engine.Evaluation;
using ClipSurgeryWeb.Engine.Labelling;

namespace ClipSurgeryWeb.Engine.Pipeline;

public sealed partial class ClipPipeline
{
    /// <summary>
    /// Scores the methods on the benchmark with this pipeline's model: the <see cref="Evaluator"/>'s bookkeeping with the
    /// label segmenter as its predictor — the dataset's class file (<see cref="EvalClasses"/>, background as class 0
    /// where the set has one), each method under its own code's test protocol (<see cref="EvalProtocol.ForRequest"/>:
    /// short side, head, probability threshold, PAMR, with the request's overrides), and each method's logits resized
    /// to the label map's size before PAMR and the argmax, as the methods' <c>predict</c>.
    /// </summary>
    public void Evaluate(EvalRequest request, Action<PipelineEvent> sink, CancellationToken ct)
    {
        var classes = EvalClasses.For(request.Dataset);
        var settings = EvalProtocol.ForRequest(request).Select(p => new LabelMethodSettings(p.Method, p.ShortSide, p.Head, p.Threshold, p.Pamr)).ToList();
        var segmenter = new LabelSegmenter(explainer);
        segmenter.Check(classes, settings);
        var evaluator = new Evaluator(
            (image, _, height, width, token) => segmenter.Segment(image, classes, settings, probabilities: false, outputSize: (height, width), token)
                .Select(p => p.Prediction).ToList(),
            Path.GetFileName(explainer.CheckpointPath), explainer.ModelSha256, limits);
        var report = evaluator.Run(request, (sample, done, total) => sink(new EvalProgressed(sample.Id, done, total)), ct);
        sink(new EvalFinished(request.DatasetFolder, report, Path.Combine(request.ReportFolder, EvalReportFile.JsonName)));
    }
}
