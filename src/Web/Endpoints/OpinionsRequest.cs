namespace ClipSurgeryWeb.Web.Endpoints;

/// <summary>POST /api/runs/opinions.</summary>
public sealed record OpinionsRequest(IReadOnlyList<Guid> ImageIds, string Model, int Iterations = 400, bool Shared = true) : IRequestBody
{
    public Problem? Check() =>
        IRequestBody.Required(ImageIds, "imageIds", "a list of uploaded image ids")
        ?? IRequestBody.Required(Model, "model", "the name of an installed CLIP model");
}
