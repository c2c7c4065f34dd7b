namespace ClipSurgeryWeb.Web.Services;

/// <summary>The authorised endpoints pages link to for images and files.</summary>
public static class Urls
{
    public static string Image(Guid imageId) => $"/api/images/{imageId}";

    /// <summary>A small, upright JPEG of the image: what pages show (never the original, which may be huge).</summary>
    public static string Thumbnail(Guid imageId) => $"/api/images/{imageId}/thumbnail";

    public static string File(Guid fileId) => $"/api/files/{fileId}";

    public static string Download(Guid fileId) => $"/api/files/{fileId}?download=true";

    /// <summary>The interactive SAM page of one image of a run (click to prompt, save the mask into the run).</summary>
    public static string Sam(Guid runId, Guid jobImageId) => $"/runs/{runId}/sam/{jobImageId}";

    /// <summary>A run's results page.</summary>
    public static string Run(Guid runId) => $"/runs/{runId}";

    /// <summary>The Evaluate page with an eval's scores open: where an eval's results are (it has no result files).</summary>
    public static string Evaluation(Guid runId) => $"/evaluate?run={runId}";
}
