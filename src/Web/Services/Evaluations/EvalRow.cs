using ClipSurgeryWeb.Engine.Evaluation;
using ClipSurgeryWeb.Engine.Methods;

namespace ClipSurgeryWeb.Web.Services.Evaluations;

/// <summary>A row of the scores table: one method of one model, with its latest finished score per benchmark.</summary>
public sealed record EvalRow(string Model, MapMethod Method, IReadOnlyDictionary<EvalDatasetKind, EvalCell> Cells);
