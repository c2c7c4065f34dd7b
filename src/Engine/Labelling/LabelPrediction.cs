using ClipSurgeryWeb.Engine.Methods;

namespace ClipSurgeryWeb.Engine.Labelling;

/// <summary>
/// One method's label map of one image: the class id of every pixel (row-major, <c>[H, W]</c>) and, when asked for,
/// the class probabilities (<c>[classes, H, W]</c>, row-major), at <paramref name="Height"/>×<paramref name="Width"/>.
/// Plain arrays: no tensor leaves the engine's dispose scopes.
/// </summary>
public sealed record LabelPrediction(MapMethod Method, ClassList Classes, int Height, int Width, byte[] Prediction, float[]? Probabilities)
{
    /// <summary>Each class's share of the pixels, in class order (they sum to 1).</summary>
    public IReadOnlyList<ClassShare> Shares()
    {
        var counts = new long[Classes.Count];
        foreach (var c in Prediction)
            counts[c]++;
        return Classes.Classes.Select(c => new ClassShare(c.Id, c.Name, (double)counts[c.Id] / Prediction.Length)).ToList();
    }
}
