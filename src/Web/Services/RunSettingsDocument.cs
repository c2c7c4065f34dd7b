using System.Text.Json;
using ClipSurgeryWeb.Data;

namespace ClipSurgeryWeb.Web.Services;

/// <summary>
/// <c>settings.json</c> at the root of a run's zip: what the run was asked (kind, model, methods, labels, targets,
/// resolution, iterations, seed, SAM model, precision, label maps), by whom, and how it went (status, times in ISO-8601 UTC,
/// duration), and which folder of the zip holds each image. One typed record, so the file's fields are this list and
/// nothing else; a downloaded zip is understood without the app.
/// </summary>
public sealed record RunSettingsDocument(
    Guid Run,
    string Kind,
    string Status,
    string? Model,
    IReadOnlyList<RunSettingsDocument.MethodEntry> Methods,
    IReadOnlyList<string> Labels,
    IReadOnlyList<string> Targets,
    int? Resolution,
    int? Iterations,
    int? Seed,
    string? SamModel,
    string Precision,
    string Owner,
    bool Shared,
    DateTime CreatedAt,
    DateTime? StartedAt,
    DateTime? FinishedAt,
    double? DurationSeconds,
    IReadOnlyList<RunSettingsDocument.ImageEntry> Images,
    RunSettingsDocument.LabelMapsEntry? LabelMaps = null)
{
    /// <summary>
    /// The label maps asked for (null: none): methods, classes (empty: the labels, or a batch's targets, one class each),
    /// the background class and its threshold, PAMR, the short side (null: the methods' 336).
    /// </summary>
    public sealed record LabelMapsEntry(IReadOnlyList<MethodEntry> Methods, IReadOnlyList<string> Classes, bool Background, double Threshold,
        bool Pamr, int? ShortSide);

    /// <summary>The zip's entry name.</summary>
    public const string FileName = "settings.json";

    /// <summary>camelCase, indented, nulls written: every field is always there to read.</summary>
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    /// <summary>A map method as runs store it (<c>cs</c>) and as pages show it (<c>Surgery</c>).</summary>
    public sealed record MethodEntry(string Name, string DisplayName);

    /// <summary>One image of the run: its folder in the zip, its uploaded name, its outcome.</summary>
    public sealed record ImageEntry(string Folder, string FileName, string Status, string? Error);

    /// <summary>
    /// The document for <paramref name="run"/> (with its images and their uploads loaded); <paramref name="folderOf"/> names
    /// an image's folder in the zip. Iterations are only for the kinds that run gradient ascent; a run stored without a
    /// precision ran at the server's <paramref name="defaultPrecision"/>.
    /// </summary>
    public static RunSettingsDocument From(JobRun run, Func<JobImage, string> folderOf, string defaultPrecision)
    {
        var settings = run.Settings;
        var started = Utc(run.StartedAt);
        var finished = Utc(run.FinishedAt);
        return new RunSettingsDocument(
            run.Id,
            run.Kind.ToString().ToLowerInvariant(),
            run.Status.ToString(),
            settings.ModelName ?? settings.OfficialName,
            settings.Modes.Select(m => new MethodEntry(m.Name, m.DisplayName)).ToList(),
            settings.Labels,
            settings.Targets,
            settings.Resolution,
            run.Kind is JobRunKind.Opinions or JobRunKind.Batch ? settings.Iterations : null,
            settings.Seed,
            settings.SamModelName,
            settings.Precision ?? defaultPrecision,
            run.OwnerName,
            run.Shared,
            Utc(run.CreatedAt)!.Value,
            started,
            finished,
            started is { } s && finished is { } f ? Math.Round((f - s).TotalSeconds, 3) : null,
            run.Images.OrderBy(i => i.Order)
                .Select(i => new ImageEntry(folderOf(i), i.Image?.FileName ?? "", i.Status.ToString(), i.Error)).ToList(),
            settings.LabelMethods.Count == 0 ? null
                : new LabelMapsEntry(settings.LabelMethods.Select(m => new MethodEntry(m.Name, m.DisplayName)).ToList(), settings.Classes,
                    settings.Background, settings.Threshold, settings.Pamr ?? false, settings.ShortSide));
    }

    /// <summary>The app stores UTC; marked as such so it is written with its <c>Z</c>.</summary>
    private static DateTime? Utc(DateTime? time) => time is { } t ? DateTime.SpecifyKind(t, DateTimeKind.Utc) : null;

    public byte[] ToUtf8() => JsonSerializer.SerializeToUtf8Bytes(this, Options);
}
