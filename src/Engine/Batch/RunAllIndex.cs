namespace ClipSurgeryWeb.Engine.Batch;

/// <summary>
/// <c>index.json</c>, written last into an image's folder: the image, the model, the seed, the labels and targets,
/// and every output file. Its presence marks the image finished.
/// </summary>
public sealed record RunAllIndex(
    string Image,
    string Model,
    long Seed,
    IReadOnlyList<string> Labels,
    IReadOnlyList<string> Targets,
    IReadOnlyList<IndexedFile> Files,
    DateTimeOffset Finished);
