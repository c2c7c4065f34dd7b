using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace ClipSurgeryWeb.Engine.Evaluation;

/// <summary>
/// What an <see cref="Evaluator"/> asks for one image: each method's class ids (row-major, <paramref name="height"/> ×
/// <paramref name="width"/>, the label map's size), in the request's method order. The engine's is the label
/// segmenter on a loaded model (<c>ClipPipeline.Evaluate</c>); a test's can be anything, so the evaluation's
/// bookkeeping is checked without a model.
/// </summary>
public delegate IReadOnlyList<byte[]> EvalPredictor(Image<Rgb24> image, EvalSample sample, int height, int width, CancellationToken ct);
