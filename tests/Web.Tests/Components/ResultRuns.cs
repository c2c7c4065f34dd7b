using ClipSurgeryWeb.Data;
using ClipSurgeryWeb.Engine.Maps;
using ClipSurgeryWeb.Engine.Methods;
using ClipSurgeryWeb.Engine.Pipeline;
using ClipSurgeryWeb.Web.Services;

namespace ClipSurgeryWeb.Web.Tests.Components;

/// <summary>Runs as <see cref="RunQueries"/> hands them to pages, made up for the result grid's and viewer's tests.</summary>
internal static class ResultRuns
{
    public static RunView Run(RunSettings settings, string status, params RunImageView[] images) => new(
        Guid.NewGuid(), "Explain", status, "member-1", "member@example.com", true, DateTime.UtcNow.AddMinutes(-1),
        DateTime.UtcNow.AddMinutes(-1), status == "Running" ? null : DateTime.UtcNow, null, settings, null, null, images);

    public static RunView Finished(IReadOnlyList<string> labels, params RunImageView[] images) =>
        Run(new RunSettings { ModelName = "clip_only_jit", Labels = labels }, "Succeeded", images);

    public static RunImageView Image(string name, IEnumerable<FileView> files, IReadOnlyList<LabelScore>? scores = null, string status = "Done")
    {
        var imageId = Guid.NewGuid();
        // Files come sorted by kind, label and mode, as RunQueries sorts them, so the grid's own order is what a test sees.
        var sorted = files.OrderBy(f => f.Kind, StringComparer.Ordinal).ThenBy(f => f.Label, StringComparer.Ordinal)
            .ThenBy(f => f.Mode?.Name, StringComparer.Ordinal).ToList();
        return new RunImageView(Guid.NewGuid(), imageId, name, Urls.Image(imageId), status, null, status == "Done" ? 1 : 0.5, null, null, null,
            sorted, [], scores);
    }

    public static FileView Heatmap(MapMethod method, string label, MapRange? range = null)
    {
        var id = Guid.NewGuid();
        return new FileView(id, $"{method.Name}_{Safe(label)}.png", "heatmap", method, label, Urls.File(id), Urls.Download(id), range);
    }

    public static FileView Sam(string kind, string label)
    {
        var id = Guid.NewGuid();
        return new FileView(id, $"{kind}_{Safe(label)}.png", kind, null, label, Urls.File(id), Urls.Download(id));
    }

    public static FileView Other(string fileName)
    {
        var id = Guid.NewGuid();
        return new FileView(id, fileName, "maps", null, null, Urls.File(id), Urls.Download(id));
    }

    /// <summary>Every label × method, as an explain run writes them.</summary>
    public static IEnumerable<FileView> Maps(IEnumerable<string> labels, params MapMethod[] methods) =>
        labels.SelectMany(l => methods.Select(m => Heatmap(m, l)));

    /// <summary>A file-safe name like the engine's: what headings must never show.</summary>
    public static string Safe(string label) => new(label.Select(c => char.IsLetterOrDigit(c) ? c : '_').ToArray());
}
