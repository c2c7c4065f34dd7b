using ClipSurgeryWeb.Engine.Evaluation;
using ClipSurgeryWeb.Engine.Methods;

namespace ClipSurgeryWeb.Web.Services.Evaluations;

/// <summary>One of our scores in the table: the mIoU (0..1, NaN when no class had pixels) of the eval it comes from.</summary>
public sealed record EvalCell(Guid RunId, MapMethod Method, EvalDatasetKind Dataset, double MeanIoU);
