namespace ClipSurgeryWeb.Engine.Batch;

/// <summary>
/// One file of an image's <c>runall</c> folder: its name, what it is (<see cref="FileKinds"/>) and, for pictures,
/// the target, the map mode (<c>cs</c>, <c>plain</c>, <c>single</c>), the input resolution, and the mask's SAM score.
/// </summary>
public sealed record IndexedFile(string Path, string Kind, string? Target = null, string? Mode = null, int? Resolution = null, float? Score = null);

/// <summary>Kinds of <see cref="IndexedFile"/>.</summary>
public static class FileKinds
{
    public const string Tokens = "tokens";
    public const string Words = "words";
    public const string Opinion = "opinion";
    public const string Map = "map";
    public const string Mask = "mask";
    public const string MaskOverlay = "mask-overlay";
}

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

/// <summary>What <see cref="RunAllPipeline.Process"/> did with one image: made its folder, or found it finished already.</summary>
public sealed record RunAllOutcome(string ImagePath, string Folder, bool Skipped, RunAllIndex Index);
