namespace ClipSurgeryWeb.Web.Endpoints;

/// <summary>POST /api/runs/opinions; precision ("auto", "fp32", "fp16", "bf16") defaults to the server's.</summary>
public sealed record OpinionsRequest(IReadOnlyList<Guid> ImageIds, string Model, int Iterations = 400, bool Shared = true, string? Precision = null) : IRequestBody
{
    public Problem? Check() =>
        IRequestBody.Required(ImageIds, "imageIds", "a list of uploaded image ids")
        ?? IRequestBody.Required(Model, "model", "the name of an installed CLIP model");
}
