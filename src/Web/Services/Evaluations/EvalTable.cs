using ClipSurgeryWeb.Engine.Evaluation;
using ClipSurgeryWeb.Engine.Methods;

namespace ClipSurgeryWeb.Web.Services.Evaluations;

/// <summary>
/// The scores table: a row per model and method, a column per benchmark, each cell the latest succeeded eval of that
/// model, method and benchmark (an older eval stays in the history, not in the table).
/// </summary>
public static class EvalTable
{
    public static IReadOnlyList<EvalRow> From(IEnumerable<EvalRunView> evals)
    {
        var latest = new Dictionary<(string Model, MapMethod Method, EvalDatasetKind Dataset), (DateTime At, EvalCell Cell)>();
        foreach (var run in evals)
        {
            if (run.Report is not { } report || run.Status != "Succeeded")
                continue;
            var at = run.FinishedAt ?? run.CreatedAt;
            foreach (var scores in report.Methods)
            {
                var key = (run.Model, scores.Method, report.Dataset);
                if (!latest.TryGetValue(key, out var seen) || seen.At < at)
                    latest[key] = (at, new EvalCell(run.Id, scores.Method, report.Dataset, scores.Scores.MeanIoU));
            }
        }
        return latest
            .GroupBy(e => (e.Key.Model, e.Key.Method))
            .OrderBy(g => g.Key.Model, StringComparer.Ordinal).ThenBy(g => MapMethods.Order(g.Key.Method))
            .Select(g => new EvalRow(g.Key.Model, g.Key.Method, g.ToDictionary(e => e.Key.Dataset, e => e.Value.Cell)))
            .ToList();
    }
}
