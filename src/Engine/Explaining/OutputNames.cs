namespace ClipSurgeryWeb.Engine.Explaining;

/// <summary>File and key names of explain outputs: <c>&lt;mode&gt;_&lt;label&gt;.png</c>, <c>maps.safetensors</c> keys.</summary>
public static class OutputNames
{
    public const string MapsFile = "maps.safetensors";

    public static string Png(Heatmap map) => $"{ExplainModes.Name(map.Mode)}_{Safe(map.Target)}.png";

    public static string MapKey(Heatmap map) => $"{ExplainModes.Name(map.Mode)}.{map.Target}";

    public static string PointsKey(string target) => $"points.{target}";

    public static string PointLabelsKey(string target) => $"point_labels.{target}";

    /// <summary>A label as part of a file name: path separators and characters no file system takes become '_'.</summary>
    public static string Safe(string label)
    {
        var invalid = Path.GetInvalidFileNameChars().Concat(['/', '\\', ':', '*', '?', '"', '<', '>', '|']).ToHashSet();
        var chars = label.Select(c => invalid.Contains(c) || char.IsControl(c) ? '_' : c).ToArray();
        var safe = new string(chars).Trim();
        return safe is "" or "." or ".." ? "_" : safe;
    }
}
