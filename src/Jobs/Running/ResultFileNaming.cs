using ClipSurgeryWeb.Engine.Explaining;
using ClipSurgeryWeb.Engine.Segmentation;

namespace ClipSurgeryWeb.Jobs.Running;

/// <summary>
/// What a file the engine wrote is: "&lt;mode&gt;_&lt;target&gt;.png", "mask_&lt;target&gt;.png", "maps.safetensors" … A
/// file name holds the target only in its file-safe form (characters no file system takes replaced, a long label
/// shortened), which cannot be read back; so the name is compared with the names the engine gives each of the run's
/// targets (<see cref="OutputNames"/>), and the label recorded is the target itself.
/// </summary>
public static class ResultFileNaming
{
    public static readonly IReadOnlyList<string> HeatmapModes = ["cs", "plain", "single"];

    public static (string Kind, string? Mode, string? Label) Classify(string fileName, IEnumerable<string> targets)
    {
        switch (fileName.ToLowerInvariant())
        {
            case OutputNames.MapsFile: return ("maps", null, null);
            case SegmentationWriter.MasksFile: return ("masks", null, null);
            case "tokens.csv": return ("tokens", null, null);
            case "words.txt": return ("words", null, null);
        }
        foreach (var target in targets)
        {
            var safe = OutputNames.FileLabel(target);
            foreach (var mode in HeatmapModes)
            {
                if (fileName == $"{mode}_{safe}.png")
                    return ("heatmap", mode, target);
            }
            foreach (var kind in new[] { "mask", "overlay" })
            {
                if (fileName == $"{kind}_{safe}.png")
                    return (kind, null, target);
            }
        }
        return ("other", null, null);
    }
}
