using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using ClipSurgeryWeb.Engine.Storage;

namespace ClipSurgeryWeb.Engine.Evaluation;

/// <summary>
/// An eval's report files in its report folder: <c>report.json</c> (the <see cref="EvalReport"/>, read back by the
/// Evaluate page and the jobs) and <c>report.md</c> (per method mIoU, aAcc and mAcc, the per-class IoU table and the
/// settings, as mmseg prints them: ×100, 2 decimals, <c>nan</c> for a class never seen). The JSON keeps NaN per-class
/// scores as <c>"NaN"</c> (plain JSON has no NaN), so use <see cref="Serialize"/>/<see cref="Deserialize"/> for it.
/// </summary>
public static class EvalReportFile
{
    public const string JsonName = "report.json";

    public const string MarkdownName = "report.md";

    public const string StateName = "state.json";

    public static JsonSerializerOptions Options { get; } = new(JsonFile.Options)
    {
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    public static string Serialize(EvalReport report) => JsonSerializer.Serialize(report, Options) + "\n";

    /// <exception cref="EngineInputException">The text is not a report (<paramref name="subject"/> names where it came from).</exception>
    public static EvalReport Deserialize(string json, string subject = "report")
    {
        try
        {
            return JsonSerializer.Deserialize<EvalReport>(json, Options) ?? throw new EngineInputException(subject, "is empty (null)");
        }
        catch (JsonException e)
        {
            throw new EngineInputException(subject, $"is not a valid eval report ({e.Message})", e);
        }
    }

    /// <summary>Reads <c>report.json</c>; <paramref name="path"/> is the file or the report folder holding it.</summary>
    public static EvalReport Read(string path)
    {
        var file = Directory.Exists(path) ? Path.Combine(path, JsonName) : path;
        if (!File.Exists(file))
            throw new EngineInputException(file, "no such report");
        return Deserialize(File.ReadAllText(file), file);
    }

    /// <summary>Writes both files into <paramref name="folder"/>, each atomically; returns the JSON file's path.</summary>
    public static string Write(string folder, EvalReport report)
    {
        var json = Path.Combine(folder, JsonName);
        AtomicFile.WriteAllText(json, Serialize(report));
        AtomicFile.WriteAllText(Path.Combine(folder, MarkdownName), Markdown(report));
        return json;
    }

    /// <summary>A score as mmseg prints it: <c>np.round(v * 100, 2)</c> (half to even), two decimals; NaN as <c>nan</c>.</summary>
    public static string Percent(double value) =>
        double.IsNaN(value) ? "nan" : Math.Round(value * 100, 2, MidpointRounding.ToEven).ToString("F2", CultureInfo.InvariantCulture);

    /// <summary>The summary table (method, mIoU, aAcc, mAcc), as the CLI prints it at the end.</summary>
    public static string SummaryTable(EvalReport report)
    {
        var text = new StringBuilder();
        text.AppendLine("| Method | mIoU | aAcc | mAcc |");
        text.AppendLine("|---|---:|---:|---:|");
        foreach (var m in report.Methods)
            text.AppendLine($"| {m.Method.Name} | {Percent(m.Scores.MeanIoU)} | {Percent(m.Scores.AllAccuracy)} | {Percent(m.Scores.MeanAccuracy)} |");
        return text.ToString();
    }

    /// <summary>One method's protocol as a row of report.md's protocol table.</summary>
    public static string ProtocolRow(EvalProtocol p)
    {
        static string Number(double v) => v.ToString(CultureInfo.InvariantCulture);
        var window = p.Head is null ? "feature-surgery maps" : p.Head.IsWholeImage ? "whole image" : $"slide {p.Head.Crop}/{p.Head.Stride}" + (p.Head.PadsCrops ? " padded" : "");
        return $"| {p.Method.Name} | {p.Source} | {p.ShortSide} | {window} | {(p.Head is { } h ? Number(h.LogitScale) : "—")} | {Number(p.Threshold)} | "
            + $"{(p.Head?.AreaThreshold is { } a ? Number(a) : "—")} | {(p.Pamr ? "on" : "off")} |";
    }

    public static string Markdown(EvalReport report)
    {
        var settings = EvalDatasetSettings.For(report.Dataset);
        var text = new StringBuilder();
        text.AppendLine($"# Evaluation on {settings.Name}: {report.Images} images");
        text.AppendLine();
        text.Append(SummaryTable(report));
        text.AppendLine();
        text.AppendLine("## Per-class IoU");
        text.AppendLine();
        text.AppendLine("| Class | " + string.Join(" | ", report.Methods.Select(m => m.Method.Name)) + " |");
        text.AppendLine("|---|" + string.Concat(report.Methods.Select(_ => "---:|")));
        for (var c = 0; c < report.ClassNames.Count; c++)
            text.AppendLine($"| {report.ClassNames[c]} | " + string.Join(" | ", report.Methods.Select(m => Percent(m.Scores.ClassIoU[c]))) + " |");
        text.AppendLine();
        text.AppendLine("## Settings");
        text.AppendLine();
        text.AppendLine($"- Model: {report.Model}" + (report.ModelSha256 is { } sha ? $" (SHA-256 {sha})" : ""));
        text.AppendLine($"- Dataset: {settings.Name} in {report.DatasetFolder}");
        text.AppendLine($"- Images: {report.Images} of {report.DatasetImages}" + (report.Limit is { } limit ? $" (--limit {limit})" : ""));
        text.AppendLine($"- Short side: {(report.ShortSide is { } side ? $"{side} for every method (asked)" : "each method's own (below)")}");
        text.AppendLine($"- PAMR: {report.Pamr switch { true => "on where offered (asked)", false => "off (asked)", null => "each method's own code (below)" }}");
        text.AppendLine("- Metric: mmseg IoUMetric (areas summed over all images, ignore index 255)");
        text.AppendLine($"- Started: {report.Started:u}; finished: {report.Finished:u}");
        text.AppendLine();
        text.AppendLine("## Protocol per method");
        text.AppendLine();
        text.AppendLine("| Method | Source | Short side | Window | Logit scale | prob_thd | Area threshold | PAMR |");
        text.AppendLine("|---|---|---:|---|---:|---:|---:|---|");
        foreach (var m in report.Methods)
            text.AppendLine(m.Protocol is { } p ? ProtocolRow(p) : $"| {m.Method.Name} | not recorded (a report from before protocols) | | | | | | |");
        return text.ToString();
    }
}
