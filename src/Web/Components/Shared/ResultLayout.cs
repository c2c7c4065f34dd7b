using ClipSurgeryWeb.Engine.Methods;
using ClipSurgeryWeb.Jobs.Running;
using ClipSurgeryWeb.Web.Services;

namespace ClipSurgeryWeb.Web.Components.Shared;

/// <summary>
/// A run's results arranged once per change of the run (live updates reload the whole <see cref="RunView"/>), so the grid's
/// markup only walks lists: rows are targets in the order the run asked for them, columns the methods that occur, and
/// under them each image's label maps.
/// </summary>
public sealed class ResultLayout
{
    private ResultLayout(IReadOnlyList<ResultColumn> columns, IReadOnlyList<string> labels, IReadOnlyList<ResultImage> images)
    {
        Columns = columns;
        Labels = labels;
        Images = images;
    }

    /// <summary>The columns that occur in any image of the run, in display order.</summary>
    public IReadOnlyList<ResultColumn> Columns { get; }

    /// <summary>Every target label of the run (as typed), in row order: what the label filter offers.</summary>
    public IReadOnlyList<string> Labels { get; }

    public IReadOnlyList<ResultImage> Images { get; }

    public static ResultLayout Of(RunView run)
    {
        // The run's own order (targets, else labels); file rows come sorted by name, which is not what was typed.
        var asked = (run.Settings.Targets.Count > 0 ? run.Settings.Targets : run.Settings.Labels)
            .Select((label, index) => (label, index))
            .DistinctBy(p => p.label, StringComparer.OrdinalIgnoreCase)
            .ToDictionary(p => p.label, p => p.index, StringComparer.OrdinalIgnoreCase);
        var columns = new Dictionary<string, ResultColumn>();
        var labels = new Dictionary<string, (int Asked, int Seen)>(StringComparer.Ordinal);
        var images = new List<ResultImage>(run.Images.Count);

        foreach (var image in run.Images)
        {
            var cells = new Dictionary<string, Dictionary<string, ResultCell>>(StringComparer.Ordinal);
            foreach (var file in image.Files)
            {
                if (file.Label is not { } label || Column(file) is not { } column)
                    continue;
                columns.TryAdd(column.Key, column);
                if (!cells.TryGetValue(label, out var row))
                    cells[label] = row = [];
                row[column.Key] = row.TryGetValue(column.Key, out var existing) ? Merge(existing, file) : Cell(column, label, file);
                labels.TryAdd(label, (asked.GetValueOrDefault(label, int.MaxValue), labels.Count));
            }
            var rows = cells
                .OrderBy(c => labels[c.Key].Asked).ThenBy(c => labels[c.Key].Seen)
                .Select(c => new ResultRow(c.Key, c.Value))
                .ToList();
            images.Add(new ResultImage(image, rows, image.Files.Where(f => !f.IsImage).ToList(), LabelMaps(image)));
        }

        return new ResultLayout(
            columns.Values.OrderBy(c => c.Order).ThenBy(c => c.Key, StringComparer.Ordinal).ToList(),
            labels.OrderBy(l => l.Value.Asked).ThenBy(l => l.Value.Seen).Select(l => l.Key).ToList(),
            images);
    }

    /// <summary>An image's label maps: each method's overlay (with its shares) and its palette PNG, in drawing order.</summary>
    private static IReadOnlyList<LabelMapTile> LabelMaps(RunImageView image) => image.Files
        .Where(f => f.Kind == ResultKinds.LabelMap && f.Mode is not null)
        .Select(f => new LabelMapTile(f.Mode!.Value, f,
            image.Files.FirstOrDefault(p => p.Kind == ResultKinds.LabelIds && p.Mode == f.Mode), f.Shares ?? []))
        .OrderBy(t => MapMethods.Order(t.Method))
        .ToList();

    private static ResultColumn? Column(FileView file) => file.Kind switch
    {
        "heatmap" when file.Mode is { } mode => ResultColumn.For(mode),
        "overlay" or "mask" when file.IsImage => ResultColumn.Sam,
        _ => null,
    };

    private static ResultCell Cell(ResultColumn column, string label, FileView file) =>
        file.Kind == "mask" ? new ResultCell(column, label, file, file) : new ResultCell(column, label, file);

    /// <summary>SAM writes a bare mask and an overlay per target: the tile shows the overlay and offers both.</summary>
    private static ResultCell Merge(ResultCell cell, FileView file) => file.Kind switch
    {
        "overlay" => cell with { File = file },
        "mask" => cell with { Mask = file },
        _ => cell,
    };
}
