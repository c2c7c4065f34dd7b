using ClipSurgeryWeb.Engine.Evaluation;

namespace ClipSurgeryWeb.Web.Services.Evaluations;

/// <summary>One published mIoU (in percent, as published) of a method on a benchmark, with where it comes from.</summary>
/// <param name="Method">The method as its authors name it.</param>
/// <param name="Model">The CLIP backbone the figure was measured with.</param>
/// <param name="Note">What the reader must know to compare it (a setting, an ambiguity); null when nothing.</param>
public sealed record PublishedScore(string Method, string Model, EvalDatasetKind Dataset, double MeanIoU, Citation Source, string? Note = null);
