namespace ClipSurgeryWeb.Jobs.Running;

/// <summary>Reads what a file is from the engine's naming: "&lt;mode&gt;_&lt;label&gt;.png", "mask_&lt;target&gt;.png", "maps.safetensors" …</summary>
public static class ResultFileNaming
{
    public static readonly IReadOnlyList<string> HeatmapModes = ["cs", "plain", "single"];

    public static (string Kind, string? Mode, string? Label) Classify(string fileName)
    {
        var stem = Path.GetFileNameWithoutExtension(fileName);
        var extension = Path.GetExtension(fileName).ToLowerInvariant();
        switch (fileName.ToLowerInvariant())
        {
            case "maps.safetensors": return ("maps", null, null);
            case "masks.safetensors": return ("masks", null, null);
            case "tokens.csv": return ("tokens", null, null);
            case "words.txt": return ("words", null, null);
        }
        var underscore = stem.IndexOf('_');
        if (extension == ".png" && underscore > 0)
        {
            var prefix = stem[..underscore];
            var label = stem[(underscore + 1)..];
            if (HeatmapModes.Contains(prefix))
                return ("heatmap", prefix, label);
            if (prefix is "mask" or "overlay")
                return (prefix, null, label);
        }
        return ("other", null, null);
    }
}
