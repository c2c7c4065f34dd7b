namespace ClipSurgeryWeb.Engine.Checkpoints;

/// <summary>
/// A file under an official name (a model or the vocabulary) whose checksum is not the official one: a fine-tune, or a
/// damaged or replaced file. The reason states the fact only; each front end says what its reader can do about it
/// (the CLI: <c>--accept-finetune</c>; the web: register it as a fine-tune on the Models page).
/// </summary>
public sealed class NotOfficialChecksumException(string path, OfficialModel official, string sha256)
    : EngineInputException(path, Describe(official, sha256))
{
    public OfficialModel Official { get; } = official;

    public string Sha256 { get; } = sha256;

    /// <summary>Whether the file is the BPE vocabulary (which cannot be a fine-tune) rather than a model.</summary>
    public bool IsVocabulary => Official.Kind == ModelCatalog.Vocabulary.Kind;

    private static string Describe(OfficialModel official, string sha256) =>
        $"its SHA-256 {sha256} is not the official {official.Name} checksum {official.Sha256}: "
        + (official.Kind == ModelCatalog.Vocabulary.Kind ? "a damaged or replaced file" : "a fine-tune, or a damaged or replaced file");
}
