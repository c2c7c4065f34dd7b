namespace ClipSurgeryWeb.Engine.Pipeline;

/// <summary>
/// One image of an engine call: the caller's <see cref="Key"/> for it (events name the image by it), the file to read,
/// and the existing folder its results are written into.
/// </summary>
public sealed record PipelineImage(string Key, string Path, string OutputDir)
{
    /// <summary>An image known by its own path.</summary>
    public static PipelineImage At(string path, string outputDir) => new(path, path, outputDir);
}
