using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using TorchSharp;
using TorchSharp.PyBridge;
using ClipSurgeryWeb.Engine.Output;
using ClipSurgeryWeb.Engine.Overlay;
using static TorchSharp.torch;

namespace ClipSurgeryWeb.Engine.Explaining;

/// <summary>
/// Writes one image's explanation into its folder: an overlay PNG per map and, on request, <c>maps.safetensors</c>
/// (float32 <c>&lt;mode&gt;.&lt;label&gt;</c> [H, W]; int64 <c>points.&lt;label&gt;</c> [K, 2] as (x, y) and
/// <c>point_labels.&lt;label&gt;</c> [K] for single-label maps), all at once through <see cref="StagedFolder"/>.
/// </summary>
public static class ExplanationWriter
{
    /// <summary>Writes a new folder all at once (the CLI): nothing of it exists until everything is written.</summary>
    public static IReadOnlyList<string> Write(Explanation explanation, Image<Rgb24> image, string folder, bool saveMaps) =>
        StagedFolder.Write(folder, staging => WriteFiles(explanation, image, staging, saveMaps, onFile: null));

    /// <summary>
    /// Writes into an existing folder one file at a time, each renamed into place when complete, and announces each
    /// through <paramref name="onFile"/> (the web jobs show a heatmap as soon as it exists).
    /// </summary>
    public static IReadOnlyList<string> WriteFiles(Explanation explanation, Image<Rgb24> image, string folder, bool saveMaps, Action<string>? onFile)
    {
        Directory.CreateDirectory(folder);
        var rgb = new byte[image.Width * image.Height * 3];
        image.CopyPixelDataTo(rgb);
        var files = new List<string>();
        foreach (var map in explanation.Maps)
        {
            var name = OutputNames.Png(map);
            using var overlay = Image.LoadPixelData<Rgb24>(HeatmapOverlay.Render(rgb, map.Values), image.Width, image.Height);
            AtomicFile.Write(Path.Combine(folder, name), tmp => overlay.SaveAsPng(tmp));
            files.Add(name);
            onFile?.Invoke(name);
        }
        if (saveMaps)
        {
            AtomicFile.Write(Path.Combine(folder, OutputNames.MapsFile), tmp => WriteMaps(explanation, tmp));
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
