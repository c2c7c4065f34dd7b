namespace ClipSurgeryWeb.Engine.Batch;

/// <summary>Kinds of <see cref="IndexedFile"/>.</summary>
public static class FileKinds
{
    public const string Tokens = "tokens";
    public const string Words = "words";
    public const string Opinion = "opinion";
    public const string Map = "map";
    public const string Mask = "mask";
    public const string MaskOverlay = "mask-overlay";

    /// <summary><c>masks.safetensors</c>: every target's mask, points and score.</summary>
    public const string Masks = "masks";

    /// <summary><c>scores.json</c>: CLIP's zero-shot ranking of the labels for the whole image.</summary>
    public const string Scores = "scores";
}
