namespace ClipSurgeryWeb.Web.Endpoints;

/// <summary>
/// POST /api/runs/explain. Targets default to the labels, modes to Surgery and plain CLIP, precision ("auto", "fp32",
/// "fp16", "bf16") to the server's default; <see cref="LabelMaps"/> adds label maps.
/// </summary>
public sealed record ExplainRequest(IReadOnlyList<Guid> ImageIds, string Model, IReadOnlyList<string> Labels, IReadOnlyList<string>? Targets,
    IReadOnlyList<string>? Modes, int? Resolution, bool Shared = true, string? SamModel = null, string? Precision = null,
    LabelMapsRequest? LabelMaps = null) : IRequestBody
{
    public Problem? Check() =>
        IRequestBody.Required(ImageIds, "imageIds", "a list of uploaded image ids")
        ?? IRequestBody.Required(Model, "model", "the name of an installed CLIP model")
        ?? IRequestBody.Required(Labels, "labels", "a list of labels")
        ?? IRequestBody.NoNulls(Labels, "labels")
        ?? IRequestBody.NoNulls(Targets, "targets")
        ?? IRequestBody.NoNulls(Modes, "modes");
}
