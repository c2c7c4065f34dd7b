using ClipSurgeryWeb.Engine.Labelling;
using ClipSurgeryWeb.Engine.Pipeline;

namespace ClipSurgeryWeb.Jobs.Running;

/// <summary>
/// Label maps after an image's heatmaps (Explain and batches alike): the first engine call (explain, runall) runs with
/// its images' ends held back, then one <see cref="IClipPipeline.SegmentLabels"/> call draws the label maps of the
/// images it finished, and that call's end of each image is the one saved. An image the first call failed gets no label
/// maps; without label methods the first call is all there is.
/// </summary>
public static class LabelMapStep
{
    /// <param name="labels">
    /// The classes' names when the choice names none: the run's labels, or null for each image's own targets as the
    /// first call chose them (<see cref="LabelsChosen"/>: a batch's opinions); an image with none gets no label maps.
    /// </param>
    /// <param name="first">The first call, given the sink to tell its events to.</param>
    public static void Run(ImageBatch batch, IClipPipeline pipeline, LabelMapChoice choice, IReadOnlyList<string>? labels, bool saveMaps,
        Action<Action<PipelineEvent>> first)
    {
        if (choice.Methods.Count == 0)
        {
            first(batch.Emit);
            return;
        }
        var finished = new HashSet<string>(StringComparer.Ordinal);
        var chosen = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        first(e =>
        {
            if (e is LabelsChosen picked)
                chosen[picked.Image] = picked.Targets;
            if (e is ImageFinished done)
                finished.Add(done.Image);
            else
                batch.Emit(e);
        });

        // One call per class list: an explain run's images share theirs, a batch's image has its own.
        var groups = new List<(ClassList Classes, List<PipelineImage> Images)>();
        foreach (var image in batch.Inputs.Where(i => finished.Contains(i.Key)))
        {
            var names = choice.ClassLines.Count > 0 ? choice.ClassLines : labels ?? chosen.GetValueOrDefault(image.Key) ?? [];
            if (names.Count == 0)
            {
                batch.Emit(new ImageFinished(image.Key));
                continue;
            }
            ClassList classes;
            try
            {
                classes = choice.ClassesFor(names);
            }
            catch (RequestRejectedException e)
            {
                batch.Emit(new ImageFailed(image.Key, new ClipSurgeryWeb.Engine.EngineInputException(e.Subject, e.Reason)));
                continue;
            }
            var group = groups.FindIndex(g => g.Classes.ToString() == classes.ToString());
            if (group < 0)
                groups.Add((classes, [image]));
            else
                groups[group].Images.Add(image);
        }
        foreach (var (classes, images) in groups)
            pipeline.SegmentLabels(new SegmentLabelsRequest(images, classes, choice.Methods, choice.Options, saveMaps), batch.Emit, batch.Token);
    }
}
