namespace ClipSurgeryWeb.Jobs.Segmentation;

/// <summary>
/// A finished image of a run, as the interactive SAM page prompts it: its upright size in pixels (the points' space),
/// the run's SAM model (null when it had none), whether the requester may save masks into the run, and the points the
/// run's single-label maps proposed.
/// </summary>
/// <param name="ImageKey">What the embedding cache knows the picture by (the upload: one embedding for every run of it).</param>
public sealed record SamImage(Guid RunId, Guid JobImageId, Guid ImageId, string FileName, int Width, int Height,
    string? RunSamModel, bool CanSave, IReadOnlyList<ProposedPrompt> Proposed)
{
    public string ImageKey => ImageId.ToString("N");
}
