namespace ClipSurgeryWeb.Web.Endpoints;

/// <summary>POST /api/models/download with an official name (RN50 … ViT-L/14@336px, vit_b, vit_l, vit_h).</summary>
public sealed record DownloadRequest(string Name) : IRequestBody
{
    public Problem? Check() => IRequestBody.Required(Name, "name", "the name of an official model");
}
