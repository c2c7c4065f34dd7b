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
    /// <summary>The engine's modes, each by the word it writes in file names ("cs", "plain", "single").</summary>
    public static readonly IReadOnlyList<ExplainMode> Modes = Enum.GetValues<ExplainMode>();

    public static readonly IReadOnlyList<string> HeatmapModes = [.. Modes.Select(ExplainModes.Name)];

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
            foreach (var mode in Modes)
            {
                if (fileName == OutputNames.Png(mode, target))
                    return ("heatmap", ExplainModes.Name(mode), target);
            }
            if (fileName == OutputNames.MaskPng(target))
                return ("mask", null, target);
            if (fileName == OutputNames.MaskOverlayPng(target))
                return ("overlay", null, target);
        }
        return ("other", null, null);
    }
}
