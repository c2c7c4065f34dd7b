using ClipSurgeryWeb.Engine.Explaining;
using ClipSurgeryWeb.Engine.Storage;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using TorchSharp;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace ClipSurgeryWeb.Engine.Segmentation;

/// <summary>
/// Writes masks for one image: per target <c>mask_&lt;target&gt;.png</c> (white on black), <c>overlay_&lt;target&gt;.png</c>
/// (file names from <see cref="OutputNames"/>, bounded for long targets) and <c>masks.safetensors</c> (keys hold the full target) (uint8 <c>mask.&lt;t&gt;</c> [H, W], int64 <c>points.&lt;t&gt;</c> [K, 2],
/// int64 <c>point_labels.&lt;t&gt;</c> [K], float32 <c>score.&lt;t&gt;</c> [1]), all at once.
/// </summary>
public static class SegmentationWriter
{
    public const string MasksFile = "masks.safetensors";

    /// <summary>Writes a new folder all at once (the CLI).</summary>
    public static IReadOnlyList<string> Write(IReadOnlyList<SegmentResult> results, Image<Rgb24> image, string folder)
    {
        using var staged = new StagedFolder(folder);
        var files = WriteFiles(results, image, staged.Path, onFile: null);
        staged.Publish();
        return files;
    }

    /// <summary>Writes into an existing folder (beside maps), each file renamed into place when complete and announced with its target's result (null for <c>masks.safetensors</c>).</summary>
    public static IReadOnlyList<string> WriteFiles(IReadOnlyList<SegmentResult> results, Image<Rgb24> image, string folder, Action<string, SegmentResult?>? onFile)
    {
        Directory.CreateDirectory(folder);
        var files = new List<string>();
        void Done(string name, SegmentResult? result)
        {
            files.Add(name);
            onFile?.Invoke(name, result);
        }

        foreach (var r in results)
        {
            var maskName = OutputNames.MaskPng(r.Target);
            using (var mask = Image.LoadPixelData<L8>(r.Mask.Select(v => v > 0 ? (byte)255 : (byte)0).ToArray(), r.Width, r.Height))
                AtomicFile.Write(Path.Combine(folder, maskName), tmp => mask.SaveAsPng(tmp));
            Done(maskName, r);
            var overlayName = OutputNames.MaskOverlayPng(r.Target);
            using (var overlay = MaskOverlay.Render(image, r.Mask, r.Prompt.Points.ToArray(), r.Prompt.Labels.ToArray()))
                AtomicFile.Write(Path.Combine(folder, overlayName), tmp => overlay.SaveAsPng(tmp));
            Done(overlayName, r);
        }

        using (var scope = torch.NewDisposeScope())
        {
            var tensors = new Dictionary<string, Tensor>();
            foreach (var r in results)
            {
                tensors[$"mask.{r.Target}"] = torch.tensor(r.Mask, [r.Height, r.Width], ScalarType.Byte);
                tensors[$"points.{r.Target}"] = torch.tensor(r.Prompt.Points.SelectMany(p => new long[] { p.X, p.Y }).ToArray(), [r.Prompt.Count, 2]);
                tensors[$"point_labels.{r.Target}"] = torch.tensor(r.Prompt.Labels.Select(l => (long)l).ToArray(), [r.Prompt.Count]);
                tensors[$"score.{r.Target}"] = torch.tensor(new[] { r.Score }, [1]);
            }
            AtomicFile.Write(Path.Combine(folder, MasksFile), tmp => Safetensors.SaveStateDict(tmp, tensors));
        }
        Done(MasksFile, null);
        return files;
    }
}
