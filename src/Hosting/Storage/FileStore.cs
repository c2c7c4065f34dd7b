namespace ClipSurgeryWeb.Hosting.Storage;

/// <summary>Where uploads, thumbnails and results live on disk. Every path is built from ids and checked file names only.</summary>
public sealed class FileStore(string dataDir, string modelsDir)
{
    public string DataDir { get; } = Directory.CreateDirectory(dataDir).FullName;

    public string ModelsDir { get; } = modelsDir;

    public string UploadsDir => Directory.CreateDirectory(Path.Combine(DataDir, "uploads")).FullName;

    public string ThumbnailsDir => Directory.CreateDirectory(Path.Combine(DataDir, "thumbnails")).FullName;

    public string ResultsDir => Directory.CreateDirectory(Path.Combine(DataDir, "results")).FullName;

    public string UploadPath(Guid imageId, string extension) => Path.Combine(UploadsDir, $"{imageId:N}{extension}");

    /// <summary>Where an upload is streamed before it is checked (its type, and so its extension, is not known yet).</summary>
    public string UploadPartPath(Guid imageId) => Path.Combine(UploadsDir, $"{imageId:N}.part");

    /// <summary>An upload's thumbnail of <paramref name="size"/> pixels on the long side (JPEG).</summary>
    public string ThumbnailPath(Guid imageId, int size) => Path.Combine(ThumbnailsDir, $"{imageId:N}_{size}.jpg");

    /// <summary>A run's folder of result folders (one per image), not created: what deleting the run removes.</summary>
    public string RunResultsDir(Guid runId) => Path.Combine(ResultsDir, runId.ToString("N"));

    public string ResultDir(Guid runId, Guid jobImageId) =>
        Directory.CreateDirectory(Path.Combine(ResultsDir, runId.ToString("N"), jobImageId.ToString("N"))).FullName;

    public string ResultPath(Guid runId, Guid jobImageId, string fileName) =>
        Path.Combine(ResultDir(runId, jobImageId), CheckedName(fileName));

    /// <summary>A bare file name with no folder part; anything else is refused so no path can leave its folder.</summary>
    public static string CheckedName(string fileName)
    {
        if (string.IsNullOrWhiteSpace(fileName) || Path.GetFileName(fileName) != fileName || fileName is "." or "..")
            throw new ArgumentException($"'{fileName}' is not a plain file name", nameof(fileName));
        return fileName;
    }
}
