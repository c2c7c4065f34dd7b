using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using TorchSharp;
using TorchSharp.PyBridge;
using ClipSurgeryWeb.Engine.Overlay;
using ClipSurgeryWeb.Engine.Storage;
using static TorchSharp.torch;

namespace ClipSurgeryWeb.Engine.Explaining;

/// <summary>
/// Writes one image's explanation: an overlay PNG per map and, on request, <c>maps.safetensors</c>
/// (float32 <c>&lt;mode&gt;.&lt;label&gt;</c> [H, W]; int64 <c>points.&lt;label&gt;</c> [K, 2] as (x, y) and
/// <c>point_labels.&lt;label&gt;</c> [K] for single-label maps).
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
    /// and announced through <paramref name="onFile"/> (the web jobs show a heatmap as soon as it exists).
    /// </summary>
    public static IReadOnlyList<string> WriteFiles(Explanation explanation, Image<Rgb24> image, string directory, bool saveMaps, Action<string>? onFile = null)
    {
        var rgb = new byte[image.Width * image.Height * 3];
        image.CopyPixelDataTo(rgb);
        var files = new List<string>();
        foreach (var map in explanation.Maps)
        {
            var name = OutputNames.Png(map);
            using var overlay = Image.LoadPixelData<Rgb24>(HeatmapOverlay.Render(rgb, map.Values), image.Width, image.Height);
            AtomicFile.Write(Path.Combine(directory, name), temporary => overlay.SaveAsPng(temporary));
            files.Add(name);
            onFile?.Invoke(name);
        }
        if (saveMaps)
        {
            AtomicFile.Write(Path.Combine(directory, OutputNames.MapsFile), temporary => WriteMaps(explanation, temporary));
            files.Add(OutputNames.MapsFile);
            onFile?.Invoke(OutputNames.MapsFile);
        }
        return files;
    }

    private static void WriteMaps(Explanation explanation, string path)
    {
        using var scope = torch.NewDisposeScope();
        var tensors = new Dictionary<string, Tensor>();
        foreach (var map in explanation.Maps)
        {
            tensors[OutputNames.MapKey(map)] = torch.tensor(map.Values, [map.Height, map.Width]);
            if (map.Points is { } prompt)
            {
                var xy = prompt.Points.SelectMany(p => new long[] { p.X, p.Y }).ToArray();
                tensors[OutputNames.PointsKey(map.Target)] = torch.tensor(xy, [prompt.Count, 2]);
                tensors[OutputNames.PointLabelsKey(map.Target)] = torch.tensor(prompt.Labels.Select(l => (long)l).ToArray(), [prompt.Count]);
            }
        }
        Safetensors.SaveStateDict(path, tensors);
    }
}
