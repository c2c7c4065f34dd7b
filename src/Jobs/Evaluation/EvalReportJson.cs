using System.Text.Json;
using System.Text.Json.Serialization;
using ClipSurgeryWeb.Engine.Evaluation;

namespace ClipSurgeryWeb.Jobs.Evaluation;

/// <summary>
/// An <see cref="EvalReport"/> as the run stores it (<c>JobRun.ReportJson</c>): the engine's typed report, written by
/// the job from the <c>EvalFinished</c> event and read back by the Evaluate page, so the page never parses the
/// engine's files. NaN scores (a class with no pixels, as mmseg leaves them) travel as "NaN"; the dataset by its name.
/// </summary>
public static class EvalReportJson
{
    private static readonly JsonSerializerOptions Options = new()
    {
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new JsonStringEnumConverter() },
    };

    public static string Write(EvalReport report) => JsonSerializer.Serialize(report, Options);

    /// <summary>The stored report; null for none, or for one this version cannot read (the page then shows no scores for it).</summary>
    public static EvalReport? Read(string? json)
    {
        if (string.IsNullOrWhiteSpace(json))
            return null;
        try
        {
            return JsonSerializer.Deserialize<EvalReport>(json, Options);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
