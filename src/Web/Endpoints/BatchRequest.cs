namespace ClipSurgeryWeb.Web.Endpoints;

/// <summary>POST /api/runs/batch ("runall"); SamModel adds masks, LabelMaps label maps; precision ("auto", "fp32", "fp16", "bf16") defaults to the server's.</summary>
public sealed record BatchRequest(IReadOnlyList<Guid> ImageIds, string Model, string? SamModel, int Iterations = 400, bool Shared = true,
    string? Precision = null, LabelMapsRequest? LabelMaps = null)
    : IRequestBody
{
    public Problem? Check() =>
        IRequestBody.Required(ImageIds, "imageIds", "a list of uploaded image ids")
        ?? IRequestBody.Required(Model, "model", "the name of an installed CLIP model");
}
