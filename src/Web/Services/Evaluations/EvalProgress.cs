using System.Globalization;
using ClipSurgeryWeb.Data;
using ClipSurgeryWeb.Engine.Evaluation;

namespace ClipSurgeryWeb.Web.Services.Evaluations;

/// <summary>
/// An eval's progress and outcome in words, the same wherever a run is shown (History, a run's page, the Evaluate
/// page's history): an eval has no uploaded images, only the dataset images it scored of its total, and a report.
/// </summary>
public static class EvalProgress
{
    /// <summary>"120 of 500 images scored", or what it waits for while the total is not known yet.</summary>
    public static string Text(string status, int? done, int? total) => total is { } t
        ? $"{done ?? 0} of {t} images scored"
        : status == nameof(JobRunStatus.Queued) ? "waiting for the GPU worker"
        : status is nameof(JobRunStatus.Running) ? "opening the dataset…" : "no images scored";

    /// <summary>The method with the highest mIoU in the report (NaN scores never win); null without one.</summary>
    public static EvalMethodScores? Best(EvalReport? report) =>
        report?.Methods.Where(m => !double.IsNaN(m.Scores.MeanIoU)).MaxBy(m => m.Scores.MeanIoU);

    /// <summary>"VOC21 · best mIoU 43.21 (NACLIP)"; null without a report.</summary>
    public static string? Outcome(EvalReport? report)
    {
        if (report is null)
            return null;
        var dataset = EvalDatasets.Label(report.Dataset);
        return Best(report) is { } best
            ? $"{dataset} · best mIoU {(100 * best.Scores.MeanIoU).ToString("0.00", CultureInfo.InvariantCulture)} ({best.Method.DisplayName})"
            : $"{dataset} · no mIoU";
    }
}
