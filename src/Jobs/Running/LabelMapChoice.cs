using ClipSurgeryWeb.Engine.Labelling;
using ClipSurgeryWeb.Engine.Methods;
using ClipSurgeryWeb.Jobs.Engine;

namespace ClipSurgeryWeb.Jobs.Running;

/// <summary>
/// What a member asked of label maps (open-vocabulary segmentation) beside a run's heatmaps: the methods whose label map
/// is drawn (none: no label maps), the classes (one item each, its names comma-separated, <c>"person, people"</c>; none:
/// the run's labels, one class each), a background class in front with the probability below which a pixel goes to it,
/// PAMR (NACLIP's refinement) and the short side images are resized to (null: the methods' 336).
/// </summary>
public sealed record LabelMapChoice(IReadOnlyList<MapMethod> Methods, IReadOnlyList<string>? Classes = null, bool Background = false,
    double Threshold = 0, bool Pamr = false, int? ShortSide = null)
{
    /// <summary>No label maps.</summary>
    public static LabelMapChoice None { get; } = new([]);

    /// <summary>The classes as asked, never null.</summary>
    public IReadOnlyList<string> ClassLines => Classes ?? [];

    /// <summary>
    /// The methods that draw label maps, in drawing order: CLIP Surgery (argmax over its similarity maps, its authors'
    /// protocol) and every training-free dense method (<see cref="DenseMethod.All"/>, so one added there is offered here).
    /// </summary>
    public static IReadOnlyList<MapMethod> Offered => ClipSurgeryWeb.Engine.Labelling.LabelSegmenter.Methods;

    /// <summary>The one method PAMR refines (the label segmenter applies it to NACLIP only, as NACLIP's own code).</summary>
    public static MapMethod PamrMethod => DenseMethod.Naclip.Method;

    /// <summary>
    /// The classes a label map of an image is drawn over: <see cref="ClassLines"/>, else <paramref name="labels"/> one
    /// class each, behind the background class when asked. The engine's refusal (an empty or repeated name, too many
    /// classes) is the member's, naming the classes.
    /// </summary>
    public ClassList ClassesFor(IReadOnlyList<string> labels)
    {
        try
        {
            var classes = ClassLines.Count > 0 ? ClassList.Of(ClassLines, "classes") : ClassList.Of(labels, "labels");
            return Background ? classes.WithBackground() : classes;
        }
        catch (ClipSurgeryWeb.Engine.EngineInputException e)
        {
            throw new RequestRejectedException(e.Subject, e.Reason);
        }
    }

    /// <summary>The engine's options for this choice.</summary>
    public LabelSegmentationOptions Options => new(ShortSide ?? LabelSegmentationOptions.DefaultShortSide, Pamr, Threshold);

    /// <summary>The choice a run stored (<see cref="Data.RunSettings"/>).</summary>
    public static LabelMapChoice Of(Data.RunSettings settings) => new(settings.LabelMethods, settings.Classes, settings.Background,
        settings.Threshold, settings.Pamr ?? false, settings.ShortSide);

    /// <summary>
    /// This choice cleaned and checked for a run on <paramref name="model"/>: methods by any of their words, each once, in
    /// drawing order, each one that draws label maps and that the model can run; blank class lines dropped and the classes
    /// parsed as the engine will; the threshold only with a background class (the pixels below it go there); PAMR only
    /// with NACLIP. Refused with the thing and the reason. <paramref name="labels"/> are the run's labels (null: not known
    /// before the run, a batch's labels come from its opinions).
    /// </summary>
    public LabelMapChoice Checked(InstalledModel model, IReadOnlyList<string>? labels)
    {
        var methods = Methods.Select(m => MapMethods.Find(m.Name)?.Method ?? m).Distinct().OrderBy(MapMethods.Order).ToList();
        var classes = ClassLines.Select(c => c.Trim()).Where(c => c.Length > 0).ToList();
        if (methods.Count == 0)
            return None;
        var offered = Offered;
        foreach (var method in methods.Where(m => !offered.Contains(m)))
            throw new RequestRejectedException($"label maps: method '{method.DisplayName}'",
                $"draws no label map (choose {string.Join(", ", offered.Select(o => o.DisplayName))})");
        foreach (var method in methods)
        {
            if (MethodSupport.Refusal(method, model) is { } reason)
                throw new RequestRejectedException($"label maps: method '{method.DisplayName}'", reason);
        }
        var choice = new LabelMapChoice(methods, classes, Background, Threshold, Pamr, ShortSide);
        if (Threshold != 0 && !Background)
            throw new RequestRejectedException("label maps: threshold", "needs the background class: the pixels below it go to the background");
        if (Pamr && !methods.Contains(PamrMethod))
            throw new RequestRejectedException("label maps: PAMR", $"refines {PamrMethod.DisplayName}'s label maps only; choose {PamrMethod.DisplayName} or turn PAMR off");
        try
        {
            choice.Options.Validate();
        }
        catch (ClipSurgeryWeb.Engine.EngineInputException e)
        {
            throw new RequestRejectedException($"label maps: {e.Subject.TrimStart('-').Replace('-', ' ')}", e.Reason);
        }
        if (classes.Count > 0 || labels is not null)
            choice.ClassesFor(labels ?? []);
        return choice;
    }
}
