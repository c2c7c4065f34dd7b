using ClipSurgeryWeb.Engine.Explaining;
using ClipSurgeryWeb.Engine.Methods;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace ClipSurgeryWeb.Engine.Labelling;

/// <summary>
/// Open-vocabulary segmentation on a loaded CLIP model: the image resized to the options' short side and normalised
/// as the methods' test pipelines do, each method's label map (the dense methods' slide-window head of METHODS.md;
/// CLIP Surgery by argmax over its similarity maps), the class list's query features encoded once per call.
/// </summary>
public sealed class LabelSegmenter(ClipExplainer explainer)
{
    /// <summary>The methods that draw label maps, in drawing order.</summary>
    public static IReadOnlyList<MapMethod> Methods => throw new NotImplementedException("issue 12: label segmentation in progress");

    /// <summary>
    /// Each of <paramref name="methods"/>' label map of <paramref name="image"/>, in the given order, at the resized
    /// input's size, or at <paramref name="outputSize"/> (an evaluation's label size: logits resized bilinearly first);
    /// class probabilities only when <paramref name="probabilities"/>.
    /// </summary>
    public IReadOnlyList<LabelPrediction> Segment(Image<Rgb24> image, ClassList classes, IReadOnlyList<MapMethod> methods,
        LabelSegmentationOptions options, bool probabilities = true, (int Height, int Width)? outputSize = null, CancellationToken ct = default) =>
        throw new NotImplementedException("issue 12: label segmentation in progress");

    public ClipExplainer Explainer => explainer;
}
