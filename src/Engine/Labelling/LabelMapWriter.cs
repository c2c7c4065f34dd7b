using System.Runtime.InteropServices;
using ClipSurgeryWeb.Engine.Imaging;
using ClipSurgeryWeb.Engine.Overlay;
using ClipSurgeryWeb.Engine.Storage;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace ClipSurgeryWeb.Engine.Labelling;

/// <summary>
/// Writes one image's label maps into an existing folder, one file at a time, each renamed into place when complete
/// (<see cref="AtomicFile"/>) and announced at once: per method <c>labels_&lt;method&gt;.png</c> (the image at the map's
/// size with the map as a colour overlay and a legend, <see cref="LabelOverlay"/>) and <c>labelmap_&lt;method&gt;.png</c>
/// (palette PNG of class ids, <see cref="LabelMapPng"/>); on request <c>labels.safetensors</c> with uint8
/// <c>&lt;method&gt;.pred</c> <c>[H, W]</c> and float32 <c>&lt;method&gt;.probs</c> <c>[classes, H, W]</c> (an existing one
/// keeps the methods not written again).
/// </summary>
public static class LabelMapWriter
{
    public const string MapsFile = "labels.safetensors";

    public static string OverlayPng(Methods.MapMethod method) => $"labels_{method.Name}.png";

    public static string LabelPng(Methods.MapMethod method) => $"labelmap_{method.Name}.png";

    public static string PredKey(Methods.MapMethod method) => $"{method.Name}.pred";

    public static string ProbsKey(Methods.MapMethod method) => $"{method.Name}.probs";

    /// <summary>
    /// <paramref name="onMap"/> gets each method's overlay and label PNG names once both exist; <paramref name="onMaps"/>
    /// the safetensors file's name once written.
    /// </summary>
    public static void WriteFiles(IReadOnlyList<LabelPrediction> predictions, Image<Rgb24> image, string directory, bool saveMaps,
        Action<LabelPrediction, string, string>? onMap = null, Action<string>? onMaps = null)
    {
        Directory.CreateDirectory(directory);
        var source = ClipPreprocessor.RgbBytes(image);
        var backgrounds = new Dictionary<(int, int), byte[]>();
        foreach (var p in predictions)
        {
            if (!backgrounds.TryGetValue((p.Width, p.Height), out var rgb))
                backgrounds[(p.Width, p.Height)] = rgb = OpenCvResize.Linear(source, image.Width, image.Height, 3, p.Width, p.Height);
            var (picture, height) = LabelOverlay.Render(rgb, p);
            var overlay = OverlayPng(p.Method);
            using (var png = Image.LoadPixelData<Rgb24>(picture, p.Width, height))
                AtomicFile.Write(Path.Combine(directory, overlay), temporary => png.SaveAsPng(temporary));
            var labels = LabelPng(p.Method);
            AtomicFile.Write(Path.Combine(directory, labels), temporary => LabelMapPng.Write(temporary, p.Prediction, p.Width, p.Height, ClassPalette.For(p.Classes)));
            onMap?.Invoke(p, overlay, labels);
        }
        if (saveMaps)
        {
            var path = Path.Combine(directory, MapsFile);
            AtomicFile.Write(path, temporary => SafetensorsWriter.Write(temporary, Entries(predictions), mergeFrom: path));
            onMaps?.Invoke(MapsFile);
        }
    }

    private static List<SafetensorsWriter.Entry> Entries(IReadOnlyList<LabelPrediction> predictions)
    {
        var entries = new List<SafetensorsWriter.Entry>();
        foreach (var p in predictions)
        {
            entries.Add(new SafetensorsWriter.Entry(PredKey(p.Method), "U8", [p.Height, p.Width], s => s.Write(p.Prediction)));
            if (p.Probabilities is { } probs)
                entries.Add(new SafetensorsWriter.Entry(ProbsKey(p.Method), "F32", [p.Classes.Count, p.Height, p.Width],
                    s => s.Write(MemoryMarshal.AsBytes(probs.AsSpan()))));
        }
        return entries;
    }
}
