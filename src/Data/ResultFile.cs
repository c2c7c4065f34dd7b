using ClipSurgeryWeb.Engine.Methods;

namespace ClipSurgeryWeb.Data;

/// <summary>A file the engine wrote for one image of a run, at results/&lt;RunId&gt;/&lt;JobImageId&gt;/&lt;FileName&gt;.</summary>
public sealed class ResultFile
{
    public Guid Id { get; set; }

    public Guid RunId { get; set; }

    public Guid JobImageId { get; set; }

    public required string FileName { get; set; }

    /// <summary>"heatmap", "mask", "overlay", "maps", "masks", "tokens", "words", "opinion", "scores".</summary>
    public required string Kind { get; set; }

    /// <summary>For heatmaps: the map method (stored as its name, "cs", "plain", "single" …).</summary>
    public MapMethod? Mode { get; set; }

    /// <summary>The label or target the file is about.</summary>
    public string? Label { get; set; }

    public long SizeBytes { get; set; }

    /// <summary>For heatmaps: the similarity that the map's 0 stands for (the map is min–max normalised); null for other files and older rows.</summary>
    public float? ValueMin { get; set; }

    /// <summary>For heatmaps: the similarity that the map's 1 stands for.</summary>
    public float? ValueMax { get; set; }

    /// <summary>For label maps: each class's share of the pixels (the engine's <c>ClassShare</c> list as JSON); null for other files.</summary>
    public string? SharesJson { get; set; }

    public DateTime CreatedAt { get; set; }

    public bool IsImage => FileName.EndsWith(".png", StringComparison.OrdinalIgnoreCase);
}
