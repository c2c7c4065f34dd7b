using ClipSurgeryWeb.Engine.Labelling;
using ClipSurgeryWeb.Engine.Methods;

namespace ClipSurgeryWeb.Engine.Pipeline;

/// <summary>
/// A method's label map of an image was written: <paramref name="File"/> the colour overlay with its legend,
/// <paramref name="LabelFile"/> the palette PNG of class ids (names inside the image's output folder), at
/// <paramref name="Height"/>×<paramref name="Width"/>, with each class's share of the pixels.
/// </summary>
public sealed record LabelMapWritten(string Image, MapMethod Method, string File, string LabelFile, int Height, int Width,
    IReadOnlyList<ClassShare> Shares) : PipelineEvent(Image);
