using ClipSurgeryWeb.Engine.Explaining;
using ClipSurgeryWeb.Engine.Output;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using TorchSharp;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace ClipSurgeryWeb.Engine.Segmentation;

/// <summary>
/// Writes masks for one image: per target <c>mask_&lt;target&gt;.png</c> (white on black), <c>overlay_&lt;target&gt;.png</c>
/// and <c>masks.safetensors</c> (uint8 <c>mask.&lt;t&gt;</c> [H, W], int64 <c>points.&lt;t&gt;</c> [K, 2],
/// int64 <c>point_labels.&lt;t&gt;</c> [K], float32 <c>score.&lt;t&gt;</c> [1]), all at once.
/// </summary>
public static class SegmentationWriter
{
    public const string MasksFile = "masks.safetensors";

    public static IReadOnlyList<string> Write(IReadOnlyList<SegmentResult> results, Image<Rgb24> image, string folder) =>
        StagedFolder.Write(folder, staging => WriteInto(results, image, staging));

    /// <summary>Writes into a folder that is already staged (runall writes masks beside its maps).</summary>
    public static IReadOnlyList<string> WriteInto(IReadOnlyList<SegmentResult> results, Image<Rgb24> image, string staging)
    {
        var files = new List<string>();
        foreach (var r in results)
        {
            var name = OutputNames.Safe(r.Target);
            using (var mask = Image.LoadPixelData<L8>(r.Mask.Select(v => v > 0 ? (byte)255 : (byte)0).ToArray(), r.Width, r.Height))
                mask.SaveAsPng(Path.Combine(staging, $"mask_{name}.png"));
            using (var overlay = MaskOverlay.Render(image, r.Mask, r.Prompt.Points.ToArray(), r.Prompt.Labels.ToArray()))
                overlay.SaveAsPng(Path.Combine(staging, $"overlay_{name}.png"));
            files.Add($"mask_{name}.png");
            files.Add($"overlay_{name}.png");
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
            Safetensors.SaveStateDict(Path.Combine(staging, MasksFile), tensors);
        }
        files.Add(MasksFile);
        return files;
    }
}
