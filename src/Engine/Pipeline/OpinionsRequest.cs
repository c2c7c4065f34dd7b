using ClipSurgeryWeb.Engine.Opinions;

namespace ClipSurgeryWeb.Engine.Pipeline;

/// <summary>CLIP's opinion (gradient ascent) of each image; <paramref name="ModelName"/> is how <c>opinion.json</c> names the model.</summary>
public sealed record OpinionsRequest(IReadOnlyList<PipelineImage> Images, OpinionSettings Settings, string ModelName)
{
    /// <param name="contextLength">The model's text context (the learned tokens must fit it).</param>
    public void Validate(int contextLength = 77)
    {
        PipelineImages.Check(Images);
        Settings.Validate(contextLength);
    }
}
