using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using ClipSurgeryWeb.Engine.Overlay;
using ClipSurgeryWeb.Engine.Storage;

namespace ClipSurgeryWeb.Engine.Explaining;

/// <summary>
/// Writes one image's explanation: an overlay PNG per map and, on request, <c>maps.safetensors</c>
/// (float32 <c>&lt;mode&gt;.&lt;label&gt;</c> [H, W]; int64 <c>points.&lt;label&gt;</c> [K, 2] as (x, y) and
/// <c>point_labels.&lt;label&gt;</c> [K] for single-label maps). Maps are drawn at full size one at a time.
/// </summary>
public static class ExplanationWriter
{
    /// <summary>Writes a new folder whole or not at all (<see cref="StagedFolder"/>): the CLI's outputs.</summary>
    public static IReadOnlyList<string> Write(Explanation explanation, Image<Rgb24> image, string folder, bool saveMaps)
    {
        using var staged = new StagedFolder(folder);
        var files = WriteFiles(explanation, image, staged.Path, saveMaps);
        staged.Publish();
        return files;
    }

    /// <summary>
    /// Writes into an existing <paramref name="directory"/> one file at a time, each renamed into place when complete
    /// and announced through <paramref name="onFile"/> with the map it draws (null for <c>maps.safetensors</c>) (the web jobs show a heatmap as soon as it exists). An existing
    /// <c>maps.safetensors</c> keeps the maps this explanation does not draw again (a batch explains twice into one folder).
    /// </summary>
    public static IReadOnlyList<string> WriteFiles(Explanation explanation, Image<Rgb24> image, string directory, bool saveMaps, Action<string, Heatmap?>? onFile = null)
    {
        var rgb = new byte[image.Width * image.Height * 3];
        image.CopyPixelDataTo(rgb);
        var files = new List<string>();
        foreach (var map in explanation.Maps)
        {
            var name = OutputNames.Png(map);
            using var overlay = Image.LoadPixelData<Rgb24>(HeatmapOverlay.Render(rgb, map.Render()), image.Width, image.Height);
            AtomicFile.Write(Path.Combine(directory, name), temporary => overlay.SaveAsPng(temporary));
            files.Add(name);
            onFile?.Invoke(name, map);
        }
        if (saveMaps)
        {
            var path = Path.Combine(directory, OutputNames.MapsFile);
            AtomicFile.Write(path, temporary => SafetensorsWriter.Write(temporary, MapEntries(explanation), mergeFrom: path));
            files.Add(OutputNames.MapsFile);
            onFile?.Invoke(OutputNames.MapsFile, null);
        }
        return files;
    }

    private static List<SafetensorsWriter.Entry> MapEntries(Explanation explanation)
    {
        var entries = new List<SafetensorsWriter.Entry>();
        foreach (var map in explanation.Maps)
        {
            entries.Add(SafetensorsWriter.Entry.Floats(OutputNames.MapKey(map), [map.Height, map.Width], map.Render));
            if (map.Points is { } prompt)
            {
                var xy = prompt.Points.SelectMany(p => new long[] { p.X, p.Y }).ToArray();
                entries.Add(SafetensorsWriter.Entry.Longs(OutputNames.PointsKey(map.Target), [prompt.Count, 2], xy));
                entries.Add(SafetensorsWriter.Entry.Longs(OutputNames.PointLabelsKey(map.Target), [prompt.Count], prompt.Labels.Select(l => (long)l).ToArray()));
            }
        }
        return entries;
    }
}
