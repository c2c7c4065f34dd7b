namespace ClipSurgeryWeb.Engine.Pipeline;

/// <summary>The check every request makes of its images: at least one, each key once.</summary>
public static class PipelineImages
{
    public static void Check(IReadOnlyList<PipelineImage> images)
    {
        if (images.Count == 0)
            throw new EngineInputException("images", "no image given");
        var twice = images.GroupBy(i => i.Key, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (twice is not null)
            throw new EngineInputException(twice.Key, "given twice");
    }
}
