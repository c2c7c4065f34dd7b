using ClipSurgeryWeb.Engine.Explaining;

namespace ClipSurgeryWeb.Engine.Pipeline;

/// <summary>
/// Explain these images with one request (encoded together in batches); with <paramref name="Segment"/> also a SAM
/// mask per target, from this request's own single-label maps at 512 when it draws them (else drawn for SAM only).
/// <paramref name="SaveMaps"/> writes (merges into) each image's <c>maps.safetensors</c>.
/// </summary>
public sealed record ExplainImagesRequest(IReadOnlyList<PipelineImage> Images, ExplainRequest Maps, bool Segment = false, bool SaveMaps = true)
{
    /// <summary>The one check of this request (images, then <see cref="ExplainRequest.Validate"/>).</summary>
    public void Validate()
    {
        PipelineImages.Check(Images);
        Maps.Validate();
    }
}
