namespace ClipSurgeryWeb.Web.Services;

/// <summary>The authorised endpoints pages link to for images and files.</summary>
public static class Urls
{
    public static string Image(Guid imageId) => $"/api/images/{imageId}";

    public static string File(Guid fileId) => $"/api/files/{fileId}";

    public static string Download(Guid fileId) => $"/api/files/{fileId}?download=true";
}
